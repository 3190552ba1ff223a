package io.linli.realtime;

import io.linli.core.Platform;
import io.linli.core.config.LinliConfig;
import io.linli.core.error.Problem;
import io.linli.core.store.StoreLeaders;
import io.linli.core.stream.Stream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms of one node: brings admitted sockets in (subscription, ban check, presence, snapshot), takes them
 * out, and hands what their clients ask to the part of the room that does it (chat, moderation, likes, polls).
 */
final class Rooms {
  private static final Logger LOG = LoggerFactory.getLogger(Rooms.class);
  private static final int RESYNC_ATTEMPTS = 3;

  private final Vertx vertx;
  private final LinliConfig config;
  private final RoomTuning tuning;
  private final RoomSettings settings;
  private final RoomMetrics metrics;
  private final RedisRoomEvents events;
  private final RoomHub<RoomSession> hub;
  private final Presence presence;
  private final RoomSnapshots snapshots;
  private final RoomHistory history;
  private final ModerationRecords records;
  private final RoomLikes likes;
  private final RoomCommands commands;
  private final Outbox.Factory outboxes;
  private final PersonalNotices personal;
  private volatile boolean closed;

  Rooms(Platform platform, RedisRoomEvents events, RoomSnapshots snapshots, ModerationRecords records,
      PollService polls, PersonalNotices personal, Supplier<StoreLeaders> leaders, RoomTuning tuning,
      RoomSettings settings) {
    this.personal = personal;
    this.vertx = platform.vertx();
    this.config = platform.config();
    this.tuning = tuning;
    this.settings = settings;
    this.metrics = new RoomMetrics(platform.metrics());
    this.events = events;
    this.snapshots = snapshots;
    this.records = records;
    this.hub = new RoomHub<>(vertx, platform.redis(), out -> new RoomPacer(vertx, settings.chatFramesPerSecond(),
        settings.chatSampleAbove(), metrics, out));
    this.presence = new Presence(vertx, platform.redis(), events, config.nodeId(), tuning);
    this.history = new RoomHistory(platform.redis());
    this.likes = new RoomLikes(vertx, platform.redis(), events, settings, tuning);
    ChatMessages messages = new ChatMessages(config.chatMaxLength(), platform.clock());
    RoomChat chat = new RoomChat(events, messages, new BannedWords(settings.bannedWords()),
        new ChatGate(platform.redis(), settings));
    RoomModeration moderation = new RoomModeration(platform.redis(), events, records, leaders, messages,
        platform.clock(), tuning);
    this.commands = new RoomCommands()
        .on("chat.send", chat::send)
        .on("chat.delete", moderation::delete)
        .on("chat.mute", moderation::mute)
        .on("chat.unmute", moderation::unmute)
        .on("chat.ban", moderation::ban)
        .on("chat.unban", moderation::unban)
        .on("chat.pin", moderation::pin)
        .on("chat.unpin", moderation::unpin)
        .on("chat.slow", moderation::slowMode)
        .on("like.send", likes::add)
        .on("poll.vote", polls::vote);
    this.outboxes = (ws, connection, onStuck) -> new Outbox(vertx, ws, connection, config.wsMaxQueuedFrames(), config.wsMaxFrameBytes(),
        tuning.stuckAfter().toMillis(), metrics, onStuck);
    hub.onGap(this::resync);
  }

  /**
   * Brings an admitted socket into its room (on the socket's context). Order matters: the socket receives
   * frames from the moment it joins the hub, so the ban check (after the subscription is confirmed) either
   * sees a ban or the socket hears its announcement, and the snapshot, read last, has every frame in it or
   * after it.
   */
  Future<Void> enter(ServerWebSocket ws, HttpConnection connection, Context context, Stream stream,
      RoomMember member) {
    long streamId = stream.id();
    if (closed) {
      ws.close(CloseCodes.GOING_AWAY, "server shutting down");
      return Future.succeededFuture();
    }
    if (ws.isClosed()) {
      return Future.succeededFuture();
    }
    // Outbox counts frames; this byte bound is the backstop for a few huge ones (e.g. snapshots).
    ws.setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, (long) config.wsMaxQueuedFrames() * config.wsMaxFrameBytes()));
    RoomSession session = new RoomSession(this, ws, connection, context, streamId, stream.storeId(), member,
        outboxes, tuning, config.wsMaxFrameBytes());
    session.listen();
    metrics.opened();
    boolean audience = member.audience();
    boolean viewer = member.caller().isViewer();
    return hub.join(session)
        .compose(x -> audience ? records.isBanned(streamId, member) : Future.succeededFuture(false))
        .compose(banned -> banned
            ? Future.failedFuture(Problem.of(410, "banned", "Banned", "You are banned from this stream."))
            : audience ? count(session) : Future.succeededFuture())
        .compose(x -> snapshots.take(streamId))
        .onSuccess(snapshot -> {
          session.joined(snapshot);
          if (viewer && !session.isClosed()) {
            personal.add(session); // their own order notices, on this socket too
            personal.listening(); // in place already, unless the node could not LISTEN so far: try again
          }
        })
        .onFailure(e -> {
          if (e instanceof Problem p) {
            session.close(CloseCodes.forStatus(p.status()), p.getMessage());
          } else {
            LOG.warn("socket could not join stream {}: {}", streamId, e.toString());
            session.close(CloseCodes.SERVER_ERROR, "try again");
          }
        })
        .mapEmpty();
  }

  /** Counts a viewer or leader in (unless the socket already went), and tells a small room who came. */
  private Future<Void> count(RoomSession session) {
    if (session.isClosed()) {
      return Future.succeededFuture();
    }
    session.counted();
    RoomMember member = session.member();
    return presence.change(session.streamId(), 1, member.person())
        .onSuccess(total -> announce(session.streamId(), RoomFrame.PRESENCE_JOIN, member, total))
        .mapEmpty();
  }

  /** A session ended (exactly once per session). */
  void left(RoomSession session) {
    metrics.closed();
    hub.leave(session);
    personal.remove(session);
    // While shutting down, Presence.clear() withdraws all of this node's viewers at once.
    if (session.isCounted() && !closed) {
      presence.change(session.streamId(), -1, null)
          .onSuccess(total -> announce(session.streamId(), RoomFrame.PRESENCE_LEAVE, session.member(), total))
          .onFailure(e -> {
            if (!closed) { // a write still in flight when the node shut down is no news
              LOG.warn("viewer count of stream {} not updated: {}", session.streamId(), e.toString());
            }
          });
    }
  }

  /** presence.join / presence.leave: chatter, and only while the room is small enough for it to mean something. */
  private void announce(long streamId, String type, RoomMember member, long total) {
    if (total < settings.presenceEventsBelow()) {
      events.publish(streamId, type, new JsonObject().put("user", member.toJson()))
          .onFailure(e -> LOG.debug("{} on stream {} not published: {}", type, streamId, e.toString()));
    }
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
    return likes.close()
        .transform(x -> presence.clear())
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

  Outbox.Factory outboxes() {
    return outboxes;
  }

  RoomCommands commands() {
    return commands;
  }

  int groups(long streamId) {
    return hub.groups(streamId);
  }
}
