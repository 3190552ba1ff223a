package io.linli.realtime;

import io.linli.core.id.Ids;
import io.linli.core.redis.Redis;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the host and staff do to the room through their socket: delete a message, mute or ban a viewer, pin an
 * announcement, set slow mode. Each action changes the room's state first (Redis, or PostgreSQL for bans) and
 * then publishes an event every screen applies; events are never dropped or sampled. Every action is logged
 * in {@code room_moderation}. Viewers who try any of it get {@code error forbidden}.
 */
final class RoomModeration {
  private static final Logger LOG = LoggerFactory.getLogger(RoomModeration.class);
  static final int MAX_MUTE_MINUTES = 24 * 60;
  static final int MAX_SLOW_SECONDS = 600;

  /** A request the moderator must fix; becomes an {@code error} frame. */
  private static final class Refusal extends RuntimeException {
    final String code;

    Refusal(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private final Redis redis;
  private final RedisRoomEvents events;
  private final ModerationRecords records;
  private final ChatMessages messages;
  private final Clock clock;
  private final long roomTtlSeconds;

  RoomModeration(Redis redis, RedisRoomEvents events, ModerationRecords records, ChatMessages messages, Clock clock,
      RoomTuning tuning) {
    this.redis = redis;
    this.events = events;
    this.records = records;
    this.messages = messages;
    this.clock = clock;
    this.roomTtlSeconds = tuning.roomTtl().toSeconds();
  }

  /** {@code chat.delete {id}}: out of the recent chat, and off every screen. */
  void delete(RoomSession session, JsonObject frame) {
    if (!moderator(session)) {
      return;
    }
    String id = frame.getValue("id") instanceof String s && Ids.parse(s) >= 0 ? s : null;
    if (id == null) {
      session.error("bad-moderation", "chat.delete needs the id of a message.");
      return;
    }
    long streamId = session.streamId();
    RoomKeys keys = new RoomKeys(streamId);
    run(session, "DELETE", null, new JsonObject().put("messageId", id),
        redis.<Long>eval(RoomScripts.CHAT_DELETE, new String[] {keys.chat()}, "\"id\":\"" + id + "\"")
            .compose(x -> events.publish(streamId, RoomFrame.CHAT_DELETED,
                new JsonObject().put("id", id).put("by", session.member().toJson()))));
  }

  /** {@code chat.mute {userId, minutes}}: their chat.send is refused until then. */
  void mute(RoomSession session, JsonObject frame) {
    if (!moderator(session)) {
      return;
    }
    Integer minutes = whole(frame.getValue("minutes"), 1, MAX_MUTE_MINUTES);
    long viewerId = viewerId(frame);
    if (minutes == null || viewerId < 0) {
      session.error("bad-moderation",
          "chat.mute needs userId (a viewer's id) and minutes (1 to " + MAX_MUTE_MINUTES + ").");
      return;
    }
    long streamId = session.streamId();
    String until = clock.instant().plus(minutes, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
    run(session, "MUTE", viewerId, new JsonObject().put("minutes", minutes),
        viewer(viewerId)
            .compose(user -> redis.call(c -> c.psetex(new RoomKeys(streamId).mute(user.getString("id")),
                    minutes * 60_000L, until))
                .compose(x -> events.publish(streamId, "chat.muted", new JsonObject().put("user", user)
                    .put("minutes", minutes).put("until", until).put("by", session.member().toJson())))));
  }

  /** {@code chat.unmute {userId}}. */
  void unmute(RoomSession session, JsonObject frame) {
    if (!moderator(session)) {
      return;
    }
    long viewerId = viewerId(frame);
    if (viewerId < 0) {
      session.error("bad-moderation", "chat.unmute needs userId (a viewer's id).");
      return;
    }
    long streamId = session.streamId();
    run(session, "UNMUTE", viewerId, new JsonObject(),
        viewer(viewerId)
            .compose(user -> redis.call(c -> c.del(new RoomKeys(streamId).mute(user.getString("id"))))
                .compose(x -> events.publish(streamId, "chat.unmuted",
                    new JsonObject().put("user", user).put("by", session.member().toJson())))));
  }

  /**
   * {@code chat.ban {userId, reason?}}: recorded in PostgreSQL first, then announced; the announcement closes
   * the viewer's sockets on every node (4410), and the record refuses them on every join from then on. A join
   * racing the ban either reads the record or is subscribed in time to hear the announcement.
   */
  void ban(RoomSession session, JsonObject frame) {
    if (!moderator(session)) {
      return;
    }
    long viewerId = viewerId(frame);
    Object reason = frame.getValue("reason");
    if (viewerId < 0 || (reason != null && !(reason instanceof String r && r.length() <= 200))) {
      session.error("bad-moderation",
          "chat.ban needs userId (a viewer's id) and optionally a reason (up to 200 characters).");
      return;
    }
    long streamId = session.streamId();
    run(session, "BAN", viewerId, new JsonObject().put("reason", reason),
        viewer(viewerId)
            .compose(user -> records.ban(streamId, viewerId, session.member().caller().id(), (String) reason)
                .compose(x -> events.publish(streamId, RoomFrame.CHAT_BANNED,
                    new JsonObject().put("user", user).put("by", session.member().toJson())))));
  }

  /** {@code chat.unban {userId}}: they may join again. */
  void unban(RoomSession session, JsonObject frame) {
    if (!moderator(session)) {
      return;
    }
    long viewerId = viewerId(frame);
    if (viewerId < 0) {
      session.error("bad-moderation", "chat.unban needs userId (a viewer's id).");
      return;
    }
    long streamId = session.streamId();
    run(session, "UNBAN", viewerId, new JsonObject(),
        viewer(viewerId)
            .compose(user -> records.unban(streamId, viewerId)
                .compose(x -> events.publish(streamId, "chat.unbanned",
                    new JsonObject().put("user", user).put("by", session.member().toJson())))));
  }

  /** {@code chat.pin {text}}: an announcement above the chat, in every snapshot until unpinned. */
  void pin(RoomSession session, JsonObject frame) {
    if (!moderator(session)) {
      return;
    }
    String problem = messages.problem(frame.getValue("text"));
    if (problem != null) {
      session.error("bad-moderation", "chat.pin: " + problem);
      return;
    }
    JsonObject pinned = messages.message(session.member(), frame.getString("text"));
    long streamId = session.streamId();
    run(session, "PIN", null, new JsonObject().put("text", pinned.getString("text")),
        redis.call(c -> c.setex(new RoomKeys(streamId).pinned(), roomTtlSeconds, pinned.encode()))
            .compose(x -> events.publish(streamId, "chat.pinned",
                new JsonObject().put("pinnedMessage", pinned).put("by", session.member().toJson()))));
  }

  /** {@code chat.unpin}. */
  void unpin(RoomSession session, JsonObject frame) {
    if (!moderator(session)) {
      return;
    }
    long streamId = session.streamId();
    run(session, "UNPIN", null, new JsonObject(),
        redis.call(c -> c.del(new RoomKeys(streamId).pinned()))
            .compose(x -> events.publish(streamId, "chat.pinned",
                new JsonObject().putNull("pinnedMessage").put("by", session.member().toJson()))));
  }

  /** {@code chat.slow {seconds}}: viewers wait that long between messages; 0 turns it off. */
  void slowMode(RoomSession session, JsonObject frame) {
    if (!moderator(session)) {
      return;
    }
    Integer seconds = whole(frame.getValue("seconds"), 0, MAX_SLOW_SECONDS);
    if (seconds == null) {
      session.error("bad-moderation", "chat.slow needs seconds (0 to " + MAX_SLOW_SECONDS + "; 0 turns it off).");
      return;
    }
    long streamId = session.streamId();
    String key = new RoomKeys(streamId).slowMode();
    Future<?> set = seconds == 0 ? redis.call(c -> c.del(key))
        : redis.call(c -> c.setex(key, roomTtlSeconds, Integer.toString(seconds)));
    run(session, "SLOW_MODE", null, new JsonObject().put("seconds", seconds),
        set.compose(x -> events.publish(streamId, "chat.slowmode",
            new JsonObject().put("seconds", seconds).put("by", session.member().toJson()))));
  }

  private boolean moderator(RoomSession session) {
    if (!session.member().moderator()) {
      session.error("forbidden", "Only the host and staff may moderate the room.");
      return false;
    }
    return true;
  }

  /** The viewer as the room shows them; a refusal when there is no such viewer. */
  private Future<JsonObject> viewer(long viewerId) {
    return records.viewerNickname(viewerId).compose(nickname -> nickname == null
        ? Future.failedFuture(new Refusal("no-such-user", "There is no viewer " + Ids.toText(viewerId) + "."))
        : Future.succeededFuture(new JsonObject().put("id", Ids.toText(viewerId)).put("nickname", nickname)
            .put("role", "viewer")));
  }

  /** Reports the outcome to the moderator when it failed; logs the action when it happened. */
  private void run(RoomSession session, String action, Long viewerId, JsonObject details, Future<?> done) {
    long streamId = session.streamId();
    done.onSuccess(x -> records.log(streamId, action, session.member().caller().id(), viewerId, details)
            .onFailure(e -> LOG.warn("moderation {} on stream {} not logged: {}", action, streamId, e.toString())))
        .onFailure(e -> {
          if (e instanceof Refusal r) {
            session.error(r.code, r.getMessage());
          } else {
            LOG.warn("moderation {} on stream {} failed: {}", action, streamId, e.toString());
            session.error("unavailable", "That did not work; try again.");
          }
        });
  }

  private static long viewerId(JsonObject frame) {
    return frame.getValue("userId") instanceof String s ? Ids.parse(s) : -1;
  }

  /** A whole number in range, or null. */
  static Integer whole(Object value, int min, int max) {
    if (value instanceof Number n && n.doubleValue() == Math.floor(n.doubleValue())
        && n.doubleValue() >= min && n.doubleValue() <= max) {
      return n.intValue();
    }
    return null;
  }
}
