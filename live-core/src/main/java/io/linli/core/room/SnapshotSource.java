package io.linli.core.room;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A module's part of the {@code room.snapshot} frame a viewer gets on joining (the stream's status from
 * live-core, open deals from commerce, ...). The parts' fields are merged into one frame.
 */
@FunctionalInterface
public interface SnapshotSource {
  Future<JsonObject> snapshot(long streamId);
}
