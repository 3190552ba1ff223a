package io.linli.core.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Every answer smaller than {@link #COMPRESS_FROM_BYTES} goes out uncompressed, whatever the client accepts. Phones
 * accept gzip on every request, and a compressor per answer costs the node more than it saves on a join's few
 * hundred bytes, which fit in one TCP segment either way. Vert.x 5.0's
 * {@code HttpServerOptions.setCompressionContentSizeThreshold} does not stop that (a bare server with it still
 * gzipped an 11-byte answer), so a small answer says {@code identity}, which Vert.x's compressor honours and removes
 * before sending. Mounted first on the router: the length is known when the headers are about to go out.
 */
public final class SmallAnswers implements Handler<RoutingContext> {
  /** Below this many bytes, an answer goes out as it is (nginx and Express draw the line at about 1 KB too). */
  public static final int COMPRESS_FROM_BYTES = 1024;
  private static final CharSequence IDENTITY = HttpHeaders.createOptimized("identity");

  @Override
  public void handle(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> {
      MultiMap headers = ctx.response().headers();
      String length = headers.get(HttpHeaders.CONTENT_LENGTH);
      if (length != null && !headers.contains(HttpHeaders.CONTENT_ENCODING) && small(length)) {
        headers.set(HttpHeaders.CONTENT_ENCODING, IDENTITY);
      }
    });
    ctx.next();
  }

  private static boolean small(String length) {
    return length.length() < 5 && Integer.parseInt(length) < COMPRESS_FROM_BYTES;
  }
}
