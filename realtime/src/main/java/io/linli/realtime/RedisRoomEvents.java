package io.linli.realtime;

import io.linli.core.Platform;
import io.linli.core.id.Ids;
import io.linli.core.redis.Redis;
import io.linli.core.room.RoomEvents;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * Delivers room events through Redis: each frame is numbered, kept in the room's bounded history and
 * published on the stream's channel by one script, so every node's sockets see the same frames in the same
 * order. Frequent states are coalesced here, on the publishing node, before they cost a Redis call.
 *
 * <p>{@code chat.system {text}} (social proof such as "小王 刚刚参团", from any module) is shown like a chat line
 * and treated like one: batched, sampled in a crowded room, dropped for a slow socket. It is kept in the
 * history for resume but not in the recent chat a snapshot shows, so a busy sale cannot push the
 * conversation out of it.
 */
public final class RedisRoomEvents implements RoomEvents {
  /** Envelope fields the room sets itself; an event may not carry them. */
  private static final Set<String> RESERVED = Set.of("seq", "type", "key", "version");

  private final Redis redis;
  private final Clock clock;
  private final int historySize;
  private final RoomTuning tuning;
  private final StateCoalescer states;

  public RedisRoomEvents(Platform platform) {
    this(platform, RoomTuning.defaults());
  }

  RedisRoomEvents(Platform platform, RoomTuning tuning) {
    this.redis = platform.redis();
    this.clock = platform.clock();
    this.historySize = platform.config().roomHistorySize();
    this.tuning = tuning;
    this.states = new StateCoalescer(platform.vertx(), tuning.stateInterval(), this::sendState);
  }

  @Override
  public Future<Void> publish(long streamId, String type, JsonObject fields) {
    if (type == null || type.isBlank() || RoomFrame.SNAPSHOT.equals(type)) {
      return Future.failedFuture(new IllegalArgumentException("not a publishable frame type: " + type));
    }
    for (String name : fields.fieldNames()) {
      if (RESERVED.contains(name)) {
        return Future.failedFuture(new IllegalArgumentException(
            "field '" + name + "' is reserved for the frame envelope (type " + type + ")"));
      }
    }
    JsonObject frame = new JsonObject().put("type", type).mergeIn(fields);
    if (RoomFrame.CHAT_SYSTEM.equals(type)) {
      if (!(fields.getValue("text") instanceof String text) || text.isBlank()) {
        return Future.failedFuture(new IllegalArgumentException("chat.system needs a text"));
      }
      frame.put("text", text.strip());
    }
    return append(streamId, frame).mapEmpty();
  }

  /**
   * Sends at most one frame per {@code (streamId, key)} every 200 ms: the first change at once, later ones
   * folded into one trailing frame carrying the highest version, so the last value always goes out.
   */
  @Override
  public void publishState(long streamId, String type, String key, long version, JsonObject fields) {
    publishState(streamId, type, key, version, fields, tuning.stateInterval());
  }

  /**
   * With a longer interval than the default, for the room's own states that every socket gets and nobody
   * needs five times a second (each frame is one write per socket: 10,000 sockets, 10,000 writes).
   */
  void publishState(long streamId, String type, String key, long version, JsonObject fields, Duration interval) {
    if (type == null || type.isBlank() || key == null || key.isBlank()) {
      throw new IllegalArgumentException("a state needs a type and a key");
    }
    JsonObject frame = new JsonObject().put("type", type).mergeIn(fields)
        .put("type", type).put("key", key).put("version", version);
    frame.remove("seq");
    states.offer(new StateCoalescer.StateKey(streamId, key), version, frame, interval.toMillis());
  }

  /** Stops coalescing; states still waiting for their slot are sent now rather than lost. */
  public Future<Void> close() {
    return states.close();
  }

  private Future<Void> sendState(long streamId, JsonObject frame) {
    return append(streamId, frame).mapEmpty();
  }

  /** Numbers, stores and publishes one frame; answers its seq. */
  Future<Long> append(long streamId, JsonObject frameWithoutSeq) {
    if (RoomFrame.CHAT_SYSTEM.equals(frameWithoutSeq.getString("type"))) {
      // Shown like a chat line (published as an event or as a coalesced state), so it gets what one has.
      if (!frameWithoutSeq.containsKey("id")) {
        frameWithoutSeq.put("id", Ids.toText(Ids.next()));
      }
      if (!frameWithoutSeq.containsKey("at")) {
        frameWithoutSeq.put("at", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
      }
    }
    RoomKeys keys = new RoomKeys(streamId);
    boolean chat = RoomFrame.CHAT_MESSAGE.equals(frameWithoutSeq.getString("type"));
    return redis.<Long>eval(RoomScripts.PUBLISH,
        new String[] {keys.seq(), keys.history(), keys.epoch(), keys.chat()},
        frameWithoutSeq.encode(),
        Integer.toString(historySize),
        chat ? "1" : "0",
        Ids.toText(Ids.next()),
        keys.channel(),
        Long.toString(tuning.roomTtl().toSeconds()),
        Integer.toString(tuning.chatKept()));
  }
}
