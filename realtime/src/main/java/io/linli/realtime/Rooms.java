package io.linli.realtime;

import io.linli.core.Platform;
import io.linli.core.config.LinliConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms of one node: brings admitted sockets in (subscription, presence, snapshot), takes them out, and
 * carries out what their clients ask (chat, resume).
 */
final class Rooms {
  private static final Logger LOG = LoggerFactory.getLogger(Rooms.class);
  private static final int RESYNC_ATTEMPTS = 3;

  private final Vertx vertx;
  private final LinliConfig config;
  private final RoomTuning tuning;
  private final RoomMetrics metrics;
  private final RedisRoomEvents events;
  private final RoomHub<RoomSession> hub;
  private final Presence presence;
  private final RoomSnapshots snapshots;
  private final RoomHistory history;
  private final ChatMessages chat;
  private final Outbox.Factory outboxes;
  private volatile boolean closed;

  Rooms(Platform platform, RedisRoomEvents events, RoomSnapshots snapshots, RoomTuning tuning) {
    this.vertx = platform.vertx();
    this.config = platform.config();
    this.tuning = tuning;
    this.metrics = new RoomMetrics(platform.metrics());
    this.events = events;
    this.snapshots = snapshots;
    this.hub = new RoomHub<>(vertx, platform.redis());
    this.presence = new Presence(vertx, platform.redis(), events, config.nodeId(), tuning);
    this.history = new RoomHistory(platform.redis());
    this.chat = new ChatMessages(config.chatMaxLength(), platform.clock());
    this.outboxes = (ws, onStuck) -> new Outbox(vertx, ws, config.wsMaxQueuedFrames(),
        tuning.stuckAfter().toMillis(), metrics, onStuck);
    hub.onGap(this::resync);
  }

  /**
   * Brings an admitted socket into its room (on the socket's context). Order matters: the socket receives
   * frames from the moment it joins the hub, the snapshot is read only once the subscription is confirmed, so
   * every frame is either in the snapshot or after it.
   */
  Future<Void> enter(ServerWebSocket ws, HttpConnection connection, Context context, long streamId,
      RoomMember member) {
    if (closed) {
      ws.close(CloseCodes.GOING_AWAY, "server shutting down");
      return Future.succeededFuture();
    }
    if (ws.isClosed()) {
      return Future.succeededFuture();
    }
    // Outbox counts frames; this byte bound is the backstop for a few huge ones (e.g. snapshots).
    ws.setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, (long) config.wsMaxQueuedFrames() * config.wsMaxFrameBytes()));
    RoomSession session = new RoomSession(this, ws, connection, context, streamId, member, outboxes, tuning,
        config.wsMaxFrameBytes());
    session.listen();
    metrics.opened();
    Future<Void> subscribed = hub.join(session);
    Future<Long> counted = member.caller().isViewer() ? presence.change(streamId, 1) : Future.succeededFuture();
    return Future.all(subscribed, counted)
        .compose(x -> snapshots.take(streamId))
        .onSuccess(session::joined)
        .onFailure(e -> {
          LOG.warn("socket could not join stream {}: {}", streamId, e.toString());
          session.close(CloseCodes.SERVER_ERROR, "try again");
        })
        .mapEmpty();
  }

  /** A session ended (exactly once per session). */
  void left(RoomSession session) {
    metrics.closed();
    hub.leave(session);
    // While shutting down, Presence.clear() withdraws all of this node's viewers at once.
    if (session.member().caller().isViewer() && !closed) {
      presence.change(session.streamId(), -1).onFailure(e -> {
        if (!closed) { // a write still in flight when the node shut down is no news
          LOG.warn("viewer count of stream {} not updated: {}", session.streamId(), e.toString());
        }
      });
    }
  }

  void chat(RoomSession session, Object text) {
    String problem = chat.problem(text);
    if (problem != null) {
      session.error("bad-chat", problem);
      return;
    }
    events.publish(session.streamId(), RoomFrame.CHAT_MESSAGE, chat.message(session.member(), (String) text))
        .onFailure(e -> {
          LOG.warn("chat on stream {} not published: {}", session.streamId(), e.toString());
          session.error("unavailable", "The message was not sent; try again.");
        });
  }

  /**
   * Frames may have been lost (the Redis subscription dropped): every local socket of the stream re-syncs.
   * The sockets start holding live frames before the snapshot is read, so none newer than the snapshot can
   * reach a client ahead of it; the snapshot is read once for the node and shared.
   */
  private void resync(long streamId) {
    if (closed) {
      return;
    }
    hub.forEachLocal(streamId, RoomSession::holdForSnapshot);
    resync(streamId, RESYNC_ATTEMPTS);
  }

  private void resync(long streamId, int attemptsLeft) {
    snapshots.take(streamId)
        .onSuccess(snapshot -> hub.forEachLocal(streamId, session -> session.deliver(snapshot)))
        .onFailure(e -> {
          if (attemptsLeft > 1) {
            vertx.setTimer(1000, id -> resync(streamId, attemptsLeft - 1));
          } else {
            LOG.warn("stream {} could not re-sync its sockets, closing them: {}", streamId, e.toString());
            hub.forEachLocal(streamId, session -> session.close(CloseCodes.SERVER_ERROR, "try again"));
          }
        });
  }

  Future<Void> close() {
    closed = true;
    hub.forEachMember(session -> session.close(CloseCodes.GOING_AWAY, "server shutting down"));
    return presence.clear()
        .transform(x -> events.close())
        .transform(x -> hub.close());
  }

  Vertx vertx() {
    return vertx;
  }

  RoomTuning tuning() {
    return tuning;
  }

  RoomMetrics metrics() {
    return metrics;
  }

  RoomSnapshots snapshots() {
    return snapshots;
  }

  RoomHistory history() {
    return history;
  }
}
