package io.linli.realtime;

import io.linli.core.auth.Caller;
import io.linli.core.auth.Tokens;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreLeaders;
import io.linli.core.store.StoreService;
import io.linli.core.stream.Stream;
import io.linli.core.stream.StreamService;
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
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws/streams/{streamId}?token=...}: upgrades, then decides who may stay. Refusals are close codes
 * (4401 no or bad token, 4403 staff or a leader of another store, 4404 no such stream) rather than HTTP statuses before
 * the upgrade, because a browser sees no status of a failed handshake and could not tell "sign in again" from
 * "network down". Until the member is in the room its client frames stay paused.
 */
public final class RoomGateway {
  private static final Logger LOG = LoggerFactory.getLogger(RoomGateway.class);
  static final String PATH = "/ws/streams/:streamId";

  private final Vertx vertx;
  private final Tokens tokens;
  private final Supplier<StreamService> streams;
  private final StoreService stores;
  private final Supplier<StoreLeaders> leaders;
  private final Rooms rooms;

  RoomGateway(Vertx vertx, Tokens tokens, Supplier<StreamService> streams, StoreService stores,
      Supplier<StoreLeaders> leaders, Rooms rooms) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.streams = streams;
    this.stores = stores;
    this.leaders = leaders;
    this.rooms = rooms;
  }

  /** Serves the upgrade; a plain GET on the path falls through to the next route. */
  public void mount(Router router) {
    router.get(PATH).handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      ctx.next();
      return;
    }
    String token = tokenOf(request);
    String streamText = ctx.pathParam("streamId");
    HttpConnection connection = request.connection();
    // Vert.x gives each request a duplicate of its event loop's context; the room groups sockets by event loop
    // (one fan-out task per loop, not per socket), so it keeps the loop's own context.
    Context context = ((ContextInternal) vertx.getOrCreateContext()).unwrap();
    request.toWebSocket()
        .onSuccess(ws -> {
          ws.pause();
          admit(ws, connection, context, token, streamText);
        })
        .onFailure(e -> LOG.debug("room upgrade failed: {}", e.toString()));
  }

  private void admit(ServerWebSocket ws, HttpConnection connection, Context context, String token,
      String streamText) {
    long streamId = Ids.parse(streamText);
    tokens.verify(token)
        .compose(caller -> streamId < 0
            ? Future.failedFuture(Problem.notFound("Stream", String.valueOf(streamText)))
            : streams.get().get(streamId).compose(stream -> memberOf(caller, stream)
                .compose(member -> rooms.enter(ws, connection, context, stream, member))))
        .onFailure(e -> refuse(ws, e));
  }

  /**
   * Staff of the stream's store join as host or staff, its leaders as leader (by the name the record has now);
   * staff and leaders of another store are refused rather than let in under another role.
   */
  private Future<RoomMember> memberOf(Caller caller, Stream stream) {
    if (caller.isViewer()) {
      return Future.succeededFuture(RoomMember.viewer(caller));
    }
    if (caller.isLeader()) {
      return RoomMember.leaderOf(leaders.get(), caller.id(), stream.storeId()).compose(member -> member != null
          ? Future.succeededFuture(member)
          : Future.failedFuture(Problem.forbidden("You are not a leader of this stream's store.")));
    }
    return stores.requireStaff(caller, stream.storeId()).map(role -> RoomMember.staff(caller, role));
  }

  static void refuse(ServerWebSocket ws, Throwable e) {
    if (ws.isClosed()) {
      return;
    }
    if (e instanceof Problem p) {
      ws.close(CloseCodes.forStatus(p.status()), reason(p.getMessage()));
    } else {
      LOG.warn("room socket refused: {}", e.toString());
      ws.close(CloseCodes.SERVER_ERROR, "try again");
    }
  }

  /** A close reason may carry at most 123 bytes of UTF-8. */
  private static String reason(String text) {
    String reason = text == null ? "" : text;
    while (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
      reason = reason.substring(0, reason.length() - 1);
    }
    return reason;
  }

  static String tokenOf(HttpServerRequest request) {
    String query = request.getParam("token");
    if (query != null && !query.isBlank()) {
      return query;
    }
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    return null;
  }
}
