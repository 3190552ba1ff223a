package io.linli.realtime;

import io.vertx.core.VertxException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Cuts a TCP connection at once, dropping whatever is still queued for it.
 *
 * <p>Vert.x's public close (of the WebSocket or of its connection) first flushes what is queued, then closes.
 * A client that reads nothing never lets that flush finish, so its socket would stay open, holding memory,
 * forever (closing the Netty channel goes through the same graceful path). Vert.x 5 has no public "abort";
 * failing the connection ({@code ConnectionBase.fail}, an implementation class, there since Vert.x 3) makes
 * Vert.x close the channel below its own graceful close. SlowClientTest fails if a Vert.x upgrade changes that.
 */
final class ConnectionCutter {
  private ConnectionCutter() {}

  static void cut(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      base.fail(new VertxException("cut off: the client stopped reading", true));
    } else {
      connection.close();
    }
  }
}
