package io.linli.core.room;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The port through which any module speaks to the viewers of a stream. live-core defines it; realtime
 * delivers it (to every socket of the stream on every node). Commerce uses it without knowing realtime.
 */
public interface RoomEvents {

  /** An event every connected viewer must see (e.g. {@code deal.formed}): never coalesced, sampled or dropped. */
  Future<Void> publish(long streamId, String type, JsonObject fields);

  /**
   * A state that changes often (e.g. a deal's counts). Only the latest value matters: the room sends it a few
   * times a second at most. {@code key} names the state ("deal:42"); a value with a lower {@code version} than
   * one already sent for that key is dropped, so a late value never overwrites a newer one.
   */
  void publishState(long streamId, String type, String key, long version, JsonObject fields);

  /** For tests and single-module use: a port that goes nowhere. */
  RoomEvents NONE = new RoomEvents() {
    @Override
    public Future<Void> publish(long streamId, String type, JsonObject fields) {
      return Future.succeededFuture();
    }

    @Override
    public void publishState(long streamId, String type, String key, long version, JsonObject fields) {}
  };
}
