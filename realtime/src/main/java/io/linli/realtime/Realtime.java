package io.linli.realtime;

import io.linli.core.Platform;
import io.linli.core.db.DatabaseUrl;
import io.linli.core.room.RoomEvents;
import io.linli.core.room.SnapshotSource;
import io.linli.core.store.StoreLeaders;
import io.linli.core.store.StoreService;
import io.linli.core.stream.StreamService;
import io.linli.core.viewer.ViewerNotices;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.Objects;

/**
 * The realtime module as the node sees it: the {@link RoomEvents} port other modules publish through, the
 * room WebSocket to mount, its HTTP operations (polls) to bind, and the snapshot parts modules contribute.
 *
 * <p>StreamService needs {@link #events()} to be built, and the room needs StreamService to find streams, so
 * the streams may come after construction through {@link #setStreams}; it must be set before the first socket.
 */
public final class Realtime {
  private final RedisRoomEvents events;
  private final RoomSnapshots snapshots;
  private final Rooms rooms;
  private final RoomGateway gateway;
  private final PollService polls;
  private final PollDeadlines pollDeadlines;
  private final RealtimeRoutes routes;
  private final PersonalNotices personal;
  private final PersonalChannel personalChannel;
  private final OriginCheck originCheck;
  private volatile StreamService streams;
  private volatile StoreLeaders leaders = StoreLeaders.NONE;

  /** Settings from the environment (RoomSettings lists them); a bad value fails here, naming the variable. */
  public Realtime(Platform platform, StreamService streams, StoreService stores) {
    this(platform, streams, stores, RoomTuning.defaults(), RoomSettings.from(System.getenv()));
  }

  Realtime(Platform platform, StreamService streams, StoreService stores, RoomTuning tuning, RoomSettings settings) {
    this.events = new RedisRoomEvents(platform, tuning);
    this.snapshots = new RoomSnapshots(platform.vertx(), platform.redis(), tuning.roomTtl());
    this.polls = new PollService(new PollStore(platform.pool()),
        new PollTallies(platform.redis(), tuning.roomTtl()), events, this::streams);
    snapshots.add(polls);
    this.personal = new PersonalNotices(platform.vertx(), DatabaseUrl.parse(platform.config().databaseUrl()
        .orElseThrow(() -> new IllegalStateException("no database URL"))).connectOptions());
    this.rooms = new Rooms(platform, events, snapshots, new ModerationRecords(platform.pool()), polls, personal,
        this::leaders, tuning, settings);
    this.personalChannel = new PersonalChannel(platform.vertx(), platform.tokens(), personal, rooms.outboxes(),
        tuning, rooms.metrics(), platform.config().wsMaxFrameBytes());
    // One LISTEN per node, from the start: a viewer's room socket carries their notices without waiting for it.
    personal.listening();
    this.gateway = new RoomGateway(platform.vertx(), platform.tokens(), this::streams,
        Objects.requireNonNull(stores, "stores"), this::leaders, rooms);
    this.pollDeadlines = new PollDeadlines(platform.vertx(), polls, tuning.pollSweep());
    this.routes = new RealtimeRoutes(platform.auth(), polls);
    this.originCheck = new OriginCheck(settings.allowedOrigins());
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

  /**
   * Where a viewer's own notices are read from (commerce's order record). Until it is set, the personal channel
   * carries none.
   */
  public void setViewerNotices(ViewerNotices notices) {
    personal.source(notices);
  }

  /**
   * Who the stores' leaders are (commerce's record), so a leader's token joins the room as {@code leader}. Until
   * it is set, there are no leaders: their tokens are refused like another store's staff (4403).
   */
  public void setLeaders(StoreLeaders leaders) {
    this.leaders = Objects.requireNonNull(leaders, "leaders");
  }

  /**
   * Mounts {@code GET /ws/streams/:streamId} and {@code GET /ws/me} (WebSocket upgrades only; other requests
   * fall through).
   */
  public void mount(Router router) {
    router.get(RoomGateway.PATH).handler(originCheck);
    router.get(PersonalChannel.PATH).handler(originCheck);
    gateway.mount(router);
    personalChannel.mount(router);
  }

  PollService polls() {
    return polls;
  }

  /** For tests: the stream's socket groups on this node (one per event loop). */
  int groups(long streamId) {
    return rooms.groups(streamId);
  }

  /** The room's HTTP operations (polls), to bind on the node's OpenAPI router. */
  public RealtimeRoutes routes() {
    return routes;
  }

  /**
   * Closes every room socket (1001), withdraws this node's viewers, sends gathered likes and waiting states,
   * unsubscribes.
   */
  public Future<Void> close() {
    pollDeadlines.stop();
    personalChannel.close();
    return rooms.close().transform(x -> personal.close());
  }

  private StoreLeaders leaders() {
    return leaders;
  }

  private StreamService streams() {
    StreamService s = streams;
    if (s == null) {
      throw new IllegalStateException("Realtime.setStreams was not called");
    }
    return s;
  }
}
