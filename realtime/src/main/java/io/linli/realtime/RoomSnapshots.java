package io.linli.realtime;

import io.linli.core.id.Ids;
import io.linli.core.redis.Redis;
import io.linli.core.room.SnapshotSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Builds {@code room.snapshot}: the room's own state from Redis (seq, epoch, recent chat, pinned message, slow
 * mode, likes, viewers) merged with every part added as a source (the stream from live-core, deals from
 * commerce, polls from here, ...).
 */
final class RoomSnapshots {
  private final Redis redis;
  private final Duration roomTtl;
  private final List<SnapshotSource> sources = new CopyOnWriteArrayList<>();
  private final SnapshotFlights flights;

  RoomSnapshots(Vertx vertx, Redis redis, Duration roomTtl) {
    this.redis = redis;
    this.roomTtl = roomTtl;
    this.flights = new SnapshotFlights(vertx, this::build);
  }

  /** The same source added twice (e.g. by a wiring that also passed it to the constructor) counts once. */
  void add(SnapshotSource source) {
    if (source != null && sources.stream().noneMatch(s -> s == source)) {
      sources.add(source);
    }
  }

  /**
   * A snapshot begun after this call (shared with others who asked at the same time); it completes on the
   * caller's context.
   */
  Future<RoomFrame> take(long streamId) {
    return flights.take(streamId);
  }

  /**
   * The seq is read before the modules' parts: a change racing with the snapshot then shows up in a frame
   * after it (harmless, states are idempotent) instead of falling between the two (lost). So a part may show
   * a state newer than frames that follow the snapshot: each part names the versions it shows
   * ({@link SnapshotSource#VERSIONS}), gathered here with the room's own, and a socket gets no older frame of
   * those keys after its snapshot.
   */
  private Future<RoomFrame> build(long streamId) {
    RoomKeys keys = new RoomKeys(streamId);
    return redis.<List<Object>>eval(RoomScripts.STATE,
            new String[] {keys.seq(), keys.history(), keys.epoch(), keys.chat(), keys.viewersTotal(),
                keys.viewersUnique(), keys.viewersPeak(), keys.likes(), keys.pinned(), keys.slowMode(),
                keys.viewersVersion()},
            Ids.toText(Ids.next()), Long.toString(roomTtl.toSeconds()))
        .compose(state -> Future.all(sources.stream().map(s -> s.snapshot(streamId)).toList())
            .map(parts -> {
              JsonObject snapshot = new JsonObject()
                  .put("type", RoomFrame.SNAPSHOT)
                  .put("seq", number(state, 1))
                  .put("epoch", (String) state.get(0))
                  .put("pinned", new JsonArray())
                  .put("polls", new JsonArray());
              JsonObject versions = new JsonObject();
              for (int i = 0; i < parts.size(); i++) {
                JsonObject part = parts.resultAt(i);
                if (part != null) {
                  if (part.remove(SnapshotSource.VERSIONS) instanceof JsonObject shown) {
                    versions.mergeIn(shown);
                  }
                  snapshot.mergeIn(part);
                }
              }
              String pinned = (String) state.get(6);
              // The room's own fields last: a module's part cannot overwrite them.
              return snapshot
                  .put("type", RoomFrame.SNAPSHOT)
                  .put("seq", number(state, 1))
                  .put("epoch", (String) state.get(0))
                  .put("chat", chat(state.subList(9, state.size())))
                  .put("pinnedMessage", pinned.isEmpty() ? null : new JsonObject(pinned))
                  .put("slowMode", number(state, 7))
                  .put("likes", number(state, 5))
                  .put("viewers", number(state, 2))
                  .put("uniqueViewers", number(state, 3))
                  .put("peakViewers", number(state, 4))
                  // The likes total is its own version (RoomLikes); the viewer count has one (Presence).
                  .put(SnapshotSource.VERSIONS, versions
                      .put(Presence.KEY, number(state, 8))
                      .put(RoomLikes.KEY, number(state, 5)));
            }))
        .map(RoomFrame::snapshot);
  }

  private static long number(List<Object> state, int index) {
    return ((Number) state.get(index)).longValue();
  }

  /** Chat is stored as the frames that were sent, oldest first; the snapshot lists them as they were. */
  private static JsonArray chat(List<Object> frames) {
    return frames.isEmpty() ? new JsonArray()
        : new JsonArray("[" + String.join(",", frames.stream().map(String::valueOf).toList()) + "]");
  }
}
