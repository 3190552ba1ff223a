package io.linli.realtime;

import io.linli.core.redis.Redis;
import io.vertx.core.Future;
import java.util.List;

/** Reads what a resuming client missed from the room's bounded history. */
final class RoomHistory {

  /** The frames after the client's seq, oldest first, up to {@code seq}; or null frames when there is a gap. */
  record Missed(long seq, List<RoomFrame> frames) {
    boolean gap() {
      return frames == null;
    }
  }

  private final Redis redis;

  RoomHistory(Redis redis) {
    this.redis = redis;
  }

  /**
   * A gap is: the history no longer reaches back to {@code afterSeq + 1}, the client is ahead of the room
   * (Redis lost it and started again), or the client's epoch is not the room's.
   */
  Future<Missed> after(long streamId, long afterSeq, String epoch) {
    RoomKeys keys = new RoomKeys(streamId);
    return redis.<List<Object>>eval(RoomScripts.RESUME,
            new String[] {keys.seq(), keys.history(), keys.epoch()}, Long.toString(afterSeq))
        .map(result -> {
          String roomEpoch = String.valueOf(result.get(0));
          long seq = ((Number) result.get(1)).longValue();
          boolean gap = "gap".equals(result.get(2)) || (epoch != null && !epoch.equals(roomEpoch));
          if (gap) {
            return new Missed(seq, null);
          }
          return new Missed(seq, result.subList(3, result.size()).stream()
              .map(f -> RoomFrame.parse(String.valueOf(f))).toList());
        });
  }
}
