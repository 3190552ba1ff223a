package io.linli.realtime;

import io.linli.core.redis.Redis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Likes (点赞). Phones gather taps and send {@code like.send {count}} now and then; this node adds them up per
 * stream and, every half second, adds its sum to the stream's total in Redis with one call, then announces
 * the total as the {@code room.likes} state. The total only grows, so it is its own version: whichever node's
 * announcement is newest wins everywhere.
 */
final class RoomLikes {
  static final String TYPE = "room.likes";
  static final String KEY = "likes";
  /** A heart counter animates on the phone between updates: two a second are enough, and cost half the writes. */
  static final Duration INTERVAL = Duration.ofMillis(500);
  private static final Logger LOG = LoggerFactory.getLogger(RoomLikes.class);

  private final Vertx vertx;
  private final Redis redis;
  private final RedisRoomEvents events;
  private final int maxPerFrame;
  private final long roomTtlSeconds;
  private final ConcurrentHashMap<Long, Long> gathered = new ConcurrentHashMap<>();
  private final long timer;

  RoomLikes(Vertx vertx, Redis redis, RedisRoomEvents events, RoomSettings settings, RoomTuning tuning) {
    this.vertx = vertx;
    this.redis = redis;
    this.events = events;
    this.maxPerFrame = settings.likesPerFrame();
    this.roomTtlSeconds = tuning.roomTtl().toSeconds();
    this.timer = vertx.setPeriodic(INTERVAL.toMillis(), id -> flush());
  }

  /** {@code like.send {count}}: a whole number from 1; more than the cap counts as the cap. */
  void add(RoomSession session, JsonObject frame) {
    if (!(frame.getValue("count") instanceof Number n) || n.doubleValue() < 1
        || n.doubleValue() != Math.floor(n.doubleValue())) {
      session.error("bad-like", "like.send needs count, a whole number from 1.");
      return;
    }
    long count = Math.min(maxPerFrame, n.longValue());
    gathered.merge(session.streamId(), count, Long::sum);
  }

  /** Sends what is still gathered, then stops. */
  Future<Void> close() {
    vertx.cancelTimer(timer);
    return flush();
  }

  private Future<Void> flush() {
    List<Future<Long>> sent = new ArrayList<>();
    for (Long streamId : List.copyOf(gathered.keySet())) {
      Long count = gathered.remove(streamId); // atomic per stream: taps arriving now start a new sum
      if (count != null && count > 0) {
        sent.add(redis.<Long>eval(RoomScripts.LIKES, new String[] {new RoomKeys(streamId).likes()},
                Long.toString(count), Long.toString(roomTtlSeconds))
            .onSuccess(total -> events.publishState(streamId, TYPE, KEY, total, new JsonObject().put("total", total),
                INTERVAL))
            .onFailure(e -> LOG.warn("{} likes of stream {} lost: {}", count, streamId, e.toString())));
      }
    }
    return Future.join(sent).mapEmpty();
  }
}
