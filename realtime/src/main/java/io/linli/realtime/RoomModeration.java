package io.linli.realtime;

import io.linli.core.auth.Caller;
import io.linli.core.id.Ids;
import io.linli.core.redis.Redis;
import io.linli.core.store.StoreLeaders;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the host and staff do to the room through their socket: delete a message, mute or ban a viewer or a
 * leader, pin an announcement, set slow mode. Each action changes the room's state first (Redis, or PostgreSQL
 * for bans) and then publishes an event every screen applies; events are never dropped or sampled. Every action
 * is logged in {@code room_moderation}. Viewers and leaders who try any of it get {@code error forbidden}.
 *
 * <p>Whom a mute or ban is on is the pair the room shows everyone by: {@code userId} and {@code role}
 * ({@code viewer}, the default, or {@code leader}). A leader's id is commerce's and a viewer's is live-core's, so
 * the role says which record the id is looked up in, and the mute key and ban row are the leader's own
 * ({@link RoomMember#person}): muting a leader never mutes a viewer, whatever their ids.
 */
final class RoomModeration {
  private static final Logger LOG = LoggerFactory.getLogger(RoomModeration.class);
  static final int MAX_MUTE_MINUTES = 24 * 60;
  static final int MAX_SLOW_SECONDS = 600;
  private static final String WHOM = "userId (a viewer's or leader's id) and, for a leader, role \"leader\"";

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
  private final Supplier<StoreLeaders> leaders;
  private final ChatMessages messages;
  private final Clock clock;
  private final long roomTtlSeconds;

  RoomModeration(Redis redis, RedisRoomEvents events, ModerationRecords records, Supplier<StoreLeaders> leaders,
      ChatMessages messages, Clock clock, RoomTuning tuning) {
    this.redis = redis;
    this.events = events;
    this.records = records;
    this.leaders = leaders;
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
    Subject subject = subject(frame);
    if (minutes == null || subject == null) {
      session.error("bad-moderation", "chat.mute needs " + WHOM + " and minutes (1 to " + MAX_MUTE_MINUTES + ").");
      return;
    }
    long streamId = session.streamId();
    String until = clock.instant().plus(minutes, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
    act(session, "MUTE", subject, new JsonObject().put("minutes", minutes),
        user -> redis.call(c -> c.psetex(new RoomKeys(streamId).mute(user.person()), minutes * 60_000L, until))
            .compose(x -> events.publish(streamId, "chat.muted", new JsonObject().put("user", user.toJson())
                .put("minutes", minutes).put("until", until).put("by", session.member().toJson()))));
  }

  /** {@code chat.unmute {userId}}. */
  void unmute(RoomSession session, JsonObject frame) {
    if (!moderator(session)) {
      return;
    }
    Subject subject = subject(frame);
    if (subject == null) {
      session.error("bad-moderation", "chat.unmute needs " + WHOM + ".");
      return;
    }
    long streamId = session.streamId();
    act(session, "UNMUTE", subject, new JsonObject(),
        user -> redis.call(c -> c.del(new RoomKeys(streamId).mute(user.person())))
            .compose(x -> events.publish(streamId, "chat.unmuted",
                new JsonObject().put("user", user.toJson()).put("by", session.member().toJson()))));
  }

  /**
   * {@code chat.ban {userId, role?, reason?}}: recorded in PostgreSQL first, then announced; the announcement
   * closes the person's sockets on every node (4410), and the record refuses them on every join from then on. A
   * join racing the ban either reads the record or is subscribed in time to hear the announcement.
   */
  void ban(RoomSession session, JsonObject frame) {
    if (!moderator(session)) {
      return;
    }
    Subject subject = subject(frame);
    Object reason = frame.getValue("reason");
    if (subject == null || (reason != null && !(reason instanceof String r && r.length() <= 200))) {
      session.error("bad-moderation", "chat.ban needs " + WHOM + " and optionally a reason (up to 200 characters).");
      return;
    }
    long streamId = session.streamId();
    act(session, "BAN", subject, new JsonObject().put("reason", reason),
        user -> records.ban(streamId, user, session.member().caller().id(), (String) reason)
            .compose(x -> events.publish(streamId, RoomFrame.CHAT_BANNED,
                new JsonObject().put("user", user.toJson()).put("by", session.member().toJson()))));
  }

  /** {@code chat.unban {userId}}: they may join again. */
  void unban(RoomSession session, JsonObject frame) {
    if (!moderator(session)) {
      return;
    }
    Subject subject = subject(frame);
    if (subject == null) {
      session.error("bad-moderation", "chat.unban needs " + WHOM + ".");
      return;
    }
    long streamId = session.streamId();
    act(session, "UNBAN", subject, new JsonObject(),
        user -> records.unban(streamId, user)
            .compose(x -> events.publish(streamId, "chat.unbanned",
                new JsonObject().put("user", user.toJson()).put("by", session.member().toJson()))));
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

  /**
   * The viewer, or the leader of this stream's store, as the room shows them; a refusal when there is none (a
   * leader of another store cannot be in this room).
   */
  private Future<RoomMember> find(RoomSession session, Subject subject) {
    String id = Ids.toText(subject.id());
    if (subject.leader()) {
      return RoomMember.leaderOf(leaders.get(), subject.id(), session.storeId()).compose(member -> member == null
          ? Future.failedFuture(new Refusal("no-such-user", "This store has no leader " + id + "."))
          : Future.succeededFuture(member));
    }
    return records.viewerNickname(subject.id()).compose(nickname -> nickname == null
        ? Future.failedFuture(new Refusal("no-such-user", "There is no viewer " + id + "."))
        : Future.succeededFuture(RoomMember.viewer(new Caller(Caller.Kind.VIEWER, subject.id(), nickname))));
  }

  /** An action on a viewer or leader: finds them, does it, and logs whom it was on. */
  private void act(RoomSession session, String action, Subject subject, JsonObject details,
      Function<RoomMember, Future<?>> step) {
    find(session, subject)
        .onSuccess(person -> run(session, action, person, details, step.apply(person)))
        .onFailure(e -> failed(session, action, e));
  }

  /** Reports the outcome to the moderator when it failed; logs the action when it happened. */
  private void run(RoomSession session, String action, RoomMember person, JsonObject details, Future<?> done) {
    long streamId = session.streamId();
    done.onSuccess(x -> records.log(streamId, action, session.member().caller().id(), person, details)
            .onFailure(e -> LOG.warn("moderation {} on stream {} not logged: {}", action, streamId, e.toString())))
        .onFailure(e -> failed(session, action, e));
  }

  private static void failed(RoomSession session, String action, Throwable e) {
    if (e instanceof Refusal r) {
      session.error(r.code, r.getMessage());
    } else {
      LOG.warn("moderation {} on stream {} failed: {}", action, session.streamId(), e.toString());
      session.error("unavailable", "That did not work; try again.");
    }
  }

  /** Whom a mute or ban names: {@code userId}, and {@code role} when it is a leader (default: a viewer). */
  private record Subject(long id, boolean leader) {}

  /** Null when {@code userId} is not an id or {@code role} is neither viewer nor leader. */
  private static Subject subject(JsonObject frame) {
    long id = frame.getValue("userId") instanceof String s ? Ids.parse(s) : -1;
    Object role = frame.getValue("role");
    if (id < 0 || !(role == null || "viewer".equals(role) || RoomMember.LEADER.equals(role))) {
      return null;
    }
    return new Subject(id, RoomMember.LEADER.equals(role));
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
