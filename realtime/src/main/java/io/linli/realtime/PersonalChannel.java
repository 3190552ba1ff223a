package io.linli.realtime;

import io.linli.core.auth.Caller;
import io.linli.core.auth.Tokens;
import io.linli.core.error.Problem;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.ContextInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws/me?token=...[&after=N]}: a viewer's personal socket. Like the room socket it refuses after
 * the upgrade, with close codes a browser can read: 4401 no or bad token, 4403 a staff or leader token (they
 * have no personal notices; staff follow orders through the store views, leaders through their bags), 4400 an
 * {@code after} that is not a whole number >= 0.
 */
final class PersonalChannel {
  private static final Logger LOG = LoggerFactory.getLogger(PersonalChannel.class);
  static final String PATH = "/ws/me";
  static final short BAD_REQUEST = 4400;

  private final Vertx vertx;
  private final Tokens tokens;
  private final PersonalNotices notices;
  private final Outbox.Factory outboxes;
  private final RoomTuning tuning;
  private final RoomMetrics metrics;
  private final int maxFrameBytes;
  private final Set<PersonalSession> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  PersonalChannel(Vertx vertx, Tokens tokens, PersonalNotices notices, Outbox.Factory outboxes, RoomTuning tuning,
      RoomMetrics metrics, int maxFrameBytes) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.notices = notices;
    this.outboxes = outboxes;
    this.tuning = tuning;
    this.metrics = metrics;
    this.maxFrameBytes = maxFrameBytes;
  }

  void mount(Router router) {
    router.get(PATH).handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      ctx.next();
      return;
    }
    String token = RoomGateway.tokenOf(request);
    String afterText = request.getParam("after");
    HttpConnection connection = request.connection();
    Context context = ((ContextInternal) vertx.getOrCreateContext()).unwrap();
    request.toWebSocket()
        .onSuccess(ws -> {
          ws.pause();
          admit(ws, connection, context, token, afterText);
        })
        .onFailure(e -> LOG.debug("personal upgrade failed: {}", e.toString()));
  }

  private void admit(ServerWebSocket ws, HttpConnection connection, Context context, String token,
      String afterText) {
    Long after;
    try {
      after = afterText == null ? null : Long.parseLong(afterText);
    } catch (NumberFormatException e) {
      after = -1L;
    }
    if (after != null && after < 0) {
      ws.close(BAD_REQUEST, "after must be a whole number >= 0");
      return;
    }
    Long from = after;
    tokens.verify(token)
        .compose(caller -> caller.isViewer() ? Future.succeededFuture(caller)
            : Future.<Caller>failedFuture(Problem.forbidden(
                "The personal channel is a viewer's; staff and leaders have none.")))
        // Listening before the first frame: nothing committed after me.ready can be missed.
        .compose(caller -> notices.listening().map(caller))
        .onSuccess(caller -> enter(ws, connection, context, caller, from))
        .onFailure(e -> RoomGateway.refuse(ws, e));
  }

  private void enter(ServerWebSocket ws, HttpConnection connection, Context context, Caller viewer, Long after) {
    if (ws.isClosed()) {
      return;
    }
    if (closed) {
      ws.close(CloseCodes.GOING_AWAY, "server shutting down");
      return;
    }
    PersonalSession session = new PersonalSession(this, ws, connection, context, viewer, outboxes, tuning,
        maxFrameBytes);
    open.add(session);
    metrics.opened();
    notices.add(session);
    session.start(after);
  }

  void left(PersonalSession session) {
    if (open.remove(session)) {
      metrics.closed();
      notices.remove(session);
    }
  }

  /** Closes every personal socket of this node (1001). */
  void close() {
    closed = true;
    open.forEach(s -> s.context().runOnContext(v -> s.close(CloseCodes.GOING_AWAY, "server shutting down")));
  }

  PersonalNotices notices() {
    return notices;
  }

  Vertx vertx() {
    return vertx;
  }

  RoomTuning tuning() {
    return tuning;
  }
}
