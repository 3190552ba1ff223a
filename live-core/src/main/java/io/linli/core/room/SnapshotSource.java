package io.linli.core.room;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A module's part of the {@code room.snapshot} frame a viewer gets on joining (the stream's status from
 * live-core, open deals from commerce, ...). The parts' fields are merged into one frame.
 *
 * <p>A part that shows states ({@link RoomEvents#publishState}) names the version of each one it shows under
 * {@link #VERSIONS}: {@code {"deal:42": 91}}. A part is read after the snapshot's seq, so it may already show
 * changes whose frames come after the snapshot, and frames that come after it may carry older values (another
 * node's coalesced state, sent late); the room sends a socket no frame of a key at or below the version its
 * snapshot showed, so such a frame cannot set the phone back.
 */
@FunctionalInterface
public interface SnapshotSource {
  /** The field of a part (and of the snapshot) that maps state keys to the versions shown. */
  String VERSIONS = "versions";

  Future<JsonObject> snapshot(long streamId);
}
