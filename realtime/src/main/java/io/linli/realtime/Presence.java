package io.linli.realtime;

import io.linli.core.redis.Redis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many viewers a stream has across nodes (sockets with a viewer token: the store's own staff are not
 * audience), how many different viewers came (a HyperLogLog of their ids: about 1% off, 12 KB per stream at
 * most), and the most at once. Each node writes its own absolute count into the stream's hash
 * (field per node instance) and reads back the sum, then tells the room through a coalesced
 * {@code room.viewers} state. A heartbeat keeps a node's counts alive; a node that dies stops counting once
 * its entries expire.
 */
final class Presence {
  static final String TYPE = "room.viewers";
  static final String KEY = "viewers";
  /** A viewer count is for show: once a second is plenty, and in a join storm it is one write per socket. */
  static final Duration INTERVAL = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final Redis redis;
  private final RedisRoomEvents events;
  private final RoomTuning tuning;
  /** This node instance: two nodes with the same LINLI_NODE_ID (or a restarted one) never share a field. */
  private final String instance;
  private final AtomicLong writes = new AtomicLong();
  private final ConcurrentHashMap<Long, Local> locals = new ConcurrentHashMap<>();
  private final long heartbeat;

  private static final class Local {
    int count;
    long write;
    long lastTotal = -1;
  }

  /** {@code joined}: the id of a viewer who just joined (counted as a unique viewer), or "". */
  private record Write(long streamId, int count, long write, String joined) {}

  Presence(Vertx vertx, Redis redis, RedisRoomEvents events, String nodeId, RoomTuning tuning) {
    this.vertx = vertx;
    this.redis = redis;
    this.events = events;
    this.tuning = tuning;
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    this.instance = nodeId + "/" + HexFormat.of().formatHex(random);
    this.heartbeat = vertx.setPeriodic(tuning.presenceHeartbeat().toMillis(), id -> heartbeat());
  }

  /**
   * A viewer's socket joined ({@code joined}: their id) or left ({@code joined} null); answers the stream's
   * viewer total across nodes, this change included.
   */
  Future<Long> change(long streamId, int delta, String joined) {
    Write[] made = new Write[1];
    // compute() makes the count change and its write number one atomic step, so the highest write number
    // always carries the latest count, whatever order the writes reach Redis in.
    locals.compute(streamId, (id, local) -> {
      Local l = local == null ? new Local() : local;
      l.count += delta;
      l.write = writes.incrementAndGet();
      made[0] = new Write(streamId, Math.max(0, l.count), l.write, joined == null ? "" : joined);
      return l.count <= 0 ? null : l;
    });
    return write(made[0], true);
  }

  /** Sets this node's counts to zero (shutting down), so the room does not wait for them to expire. */
  Future<Void> clear() {
    vertx.cancelTimer(heartbeat);
    List<Future<Long>> cleared = new ArrayList<>();
    for (Long streamId : List.copyOf(locals.keySet())) {
      locals.remove(streamId);
      cleared.add(write(new Write(streamId, 0, writes.incrementAndGet(), ""), true));
    }
    return Future.join(cleared).mapEmpty();
  }

  private void heartbeat() {
    locals.forEach((streamId, local) -> {
      Write[] again = new Write[1];
      locals.computeIfPresent(streamId, (id, l) -> {
        again[0] = new Write(streamId, l.count, l.write, "");
        return l;
      });
      if (again[0] != null) {
        write(again[0], false);
      }
    });
  }

  private Future<Long> write(Write w, boolean announce) {
    RoomKeys keys = new RoomKeys(w.streamId());
    return redis.<List<Object>>eval(RoomScripts.PRESENCE,
            new String[] {keys.viewersByNode(), keys.viewersTotal(), keys.viewersVersion(), keys.viewersUnique(),
                keys.viewersPeak()},
            instance,
            Integer.toString(w.count()),
            Long.toString(w.write()),
            Long.toString(tuning.presenceTtl().toMillis()),
            Long.toString(tuning.roomTtl().toSeconds()),
            w.joined())
        .map(result -> {
          long total = ((Number) result.get(0)).longValue();
          long version = ((Number) result.get(1)).longValue();
          boolean moved = changed(w.streamId(), total);
          if (announce || moved) {
            events.publishState(w.streamId(), TYPE, KEY, version, new JsonObject().put("count", total)
                .put("unique", ((Number) result.get(2)).longValue()).put("peak", ((Number) result.get(3)).longValue()),
                INTERVAL);
          }
          return total;
        });
  }

  /** Heartbeats announce only what moved (e.g. another node's viewers expired), not every ten seconds. */
  private boolean changed(long streamId, long total) {
    boolean[] moved = new boolean[1];
    locals.computeIfPresent(streamId, (id, l) -> {
      moved[0] = l.lastTotal != total;
      l.lastTotal = total;
      return l;
    });
    return moved[0];
  }
}
