package io.linli.realtime;

import io.linli.core.Platform;
import io.linli.core.room.RoomEvents;
import io.linli.core.room.SnapshotSource;
import io.linli.core.store.StoreService;
import io.linli.core.stream.StreamService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.Objects;

/**
 * The realtime module as the node sees it: the {@link RoomEvents} port other modules publish through, the
 * room WebSocket to mount, and the snapshot parts modules contribute.
 *
 * <p>StreamService needs {@link #events()} to be built, and the room needs StreamService to find streams, so
 * the streams may come after construction through {@link #setStreams}; it must be set before the first socket.
 */
public final class Realtime {
  private final RedisRoomEvents events;
  private final RoomSnapshots snapshots;
  private final Rooms rooms;
  private final RoomGateway gateway;
  private volatile StreamService streams;

  public Realtime(Platform platform, StreamService streams, StoreService stores) {
    this(platform, streams, stores, RoomTuning.defaults());
  }

  Realtime(Platform platform, StreamService streams, StoreService stores, RoomTuning tuning) {
    this.events = new RedisRoomEvents(platform, tuning);
    this.snapshots = new RoomSnapshots(platform.redis(), tuning.roomTtl());
    this.rooms = new Rooms(platform, events, snapshots, tuning);
    this.gateway = new RoomGateway(platform.vertx(), platform.tokens(), this::streams,
        Objects.requireNonNull(stores, "stores"), rooms);
    setStreams(streams);
  }

  /** The port for other modules: events never dropped, states coalesced. */
  public RoomEvents events() {
    return events;
  }

  /** Sets the streams (also a snapshot part: the stream itself) when they could not be passed at construction. */
  public void setStreams(StreamService streams) {
    if (streams != null) {
      this.streams = streams;
      snapshots.add(streams);
    }
  }

  /** A module's part of {@code room.snapshot} (commerce's open deals, ...); adding one twice counts once. */
  public void addSnapshotSource(SnapshotSource source) {
    snapshots.add(Objects.requireNonNull(source, "source"));
  }

  /** Mounts {@code GET /ws/streams/:streamId} (WebSocket upgrades only; other requests fall through). */
  public void mount(Router router) {
    gateway.mount(router);
  }

  /** Closes every room socket (1001), withdraws this node's viewers, flushes waiting states, unsubscribes. */
  public Future<Void> close() {
    return rooms.close();
  }

  private StreamService streams() {
    StreamService s = streams;
    if (s == null) {
      throw new IllegalStateException("Realtime.setStreams was not called");
    }
    return s;
  }
}
