package io.linli.realtime;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import io.linli.core.redis.Redis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of every room: one Redis subscription per stream with local sockets (not one per socket),
 * and fan-out of each published frame to those sockets. A frame is parsed and encoded once per node and the
 * same bytes written to every socket; chatter is paced per stream on the way ({@link RoomPacer}); sockets are
 * grouped by event loop, so a frame costs one task per event loop, not one per socket.
 *
 * <p>Frames for a group wait {@value #GATHER_MS} ms before they go, so frames published together (a join's
 * {@code deal.progress} and its "小王 刚刚参团") reach each socket in one write: with 10,000 sockets a write is
 * most of what a frame costs, and two frames in one write cost little more than one.
 *
 * <p>Membership changes take the hub's lock (they are rare and short, and they keep SUBSCRIBE/UNSUBSCRIBE
 * in order on the wire); the message path takes only its stream's pacer lock. A group's member list is only
 * read on its own event loop and is replaced, never mutated, so delivery needs no copy.
 */
final class RoomHub<M extends RoomHub.Member> {
  private static final Logger LOG = LoggerFactory.getLogger(RoomHub.class);

  /** Where sockets live: a stream and an event loop. */
  interface Member {
    long streamId();

    Context context();

    void deliver(RoomFrame frame);

    /** Frames in seq order, handed over together: one at a time unless the member can do better. */
    default void deliver(List<RoomFrame> frames) {
      frames.forEach(this::deliver);
    }
  }

  private static final long GATHER_MS = 2;

  private static final class Channel<M extends Member> {
    final long streamId;
    final String name;
    RoomPacer pacer;
    int members;
    CompletableFuture<Void> subscribed;
    volatile Map<Context, Group<M>> groups = Map.of();

    Channel(long streamId) {
      this.streamId = streamId;
      this.name = new RoomKeys(streamId).channel();
    }
  }

  /** The members of one stream on one event loop, and the frames gathered for them. */
  private static final class Group<M extends Member> {
    final Context context;
    volatile List<M> members = List.of();
    private List<RoomFrame> gathered = new ArrayList<>();
    private boolean due;

    Group(Context context) {
      this.context = context;
    }

    void forEach(Consumer<M> action) {
      for (M member : members) {
        action.accept(member);
      }
    }

    /** Any thread. True when the group needs a delivery scheduled (none is due yet). */
    synchronized boolean gather(RoomFrame frame) {
      gathered.add(frame);
      if (due) {
        return false;
      }
      due = true;
      return true;
    }

    /** On the group's event loop: everything gathered so far, to every member. */
    void deliver() {
      List<RoomFrame> frames;
      synchronized (this) {
        due = false;
        if (gathered.isEmpty()) {
          return;
        }
        frames = gathered;
        gathered = new ArrayList<>();
      }
      for (M member : members) {
        member.deliver(frames);
      }
    }
  }

  private final Vertx vertx;
  private final Redis redis;
  private final Function<Consumer<RoomFrame>, RoomPacer> pacers;
  private final Map<Long, Channel<M>> channels = new HashMap<>();
  private final ConcurrentHashMap<String, Channel<M>> byName = new ConcurrentHashMap<>();
  /** Channels whose subscription was interrupted: their next "subscribed" is Lettuce re-subscribing. */
  private final Set<String> interrupted = ConcurrentHashMap.newKeySet();
  private Consumer<Long> onGap = streamId -> {};
  /** Every pub/sub command goes through this chain, so they reach Redis in the order they were made. */
  private CompletableFuture<StatefulRedisPubSubConnection<String, String>> connection;
  private boolean closed;

  /** {@code pacers} makes a stream's pacer, given where its paced frames go. */
  RoomHub(Vertx vertx, Redis redis, Function<Consumer<RoomFrame>, RoomPacer> pacers) {
    this.vertx = vertx;
    this.redis = redis;
    this.pacers = pacers;
  }

  /** Called, on an event loop of the stream, when frames may have been missed: send its sockets a snapshot. */
  void onGap(Consumer<Long> handler) {
    this.onGap = handler;
  }

  /**
   * Adds a member (call on its context). Frames flow to it from now on; the future completes once the
   * stream's subscription is confirmed, after which no frame published later can be missed.
   */
  Future<Void> join(M member) {
    CompletableFuture<Void> subscribed;
    synchronized (this) {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("the room hub is closed"));
      }
      Channel<M> channel = channels.computeIfAbsent(member.streamId(), this::newChannel);
      byName.put(channel.name, channel);
      if (channel.members++ == 0) {
        channel.subscribed = command(c -> c.subscribe(channel.name));
      }
      Group<M> group = channel.groups.get(member.context());
      if (group == null) {
        group = new Group<>(member.context());
        Map<Context, Group<M>> groups = new HashMap<>(channel.groups);
        groups.put(member.context(), group);
        channel.groups = Map.copyOf(groups);
      }
      List<M> members = new ArrayList<>(group.members);
      members.add(member);
      group.members = List.copyOf(members);
      subscribed = channel.subscribed;
    }
    return Future.fromCompletionStage(subscribed, member.context());
  }

  /** Removes a member (call on its context); the last one out of a stream ends the subscription. */
  void leave(M member) {
    synchronized (this) {
      Channel<M> channel = channels.get(member.streamId());
      Group<M> group = channel == null ? null : channel.groups.get(member.context());
      if (group == null) {
        return;
      }
      List<M> members = group.members.stream().filter(m -> m != member).toList();
      if (members.size() == group.members.size()) {
        return;
      }
      group.members = members;
      if (members.isEmpty()) {
        Map<Context, Group<M>> groups = new HashMap<>(channel.groups);
        groups.remove(member.context());
        channel.groups = Map.copyOf(groups);
      }
      if (--channel.members == 0) {
        channels.remove(channel.streamId);
        byName.remove(channel.name, channel);
        channel.pacer.close();
        interrupted.remove(channel.name);
        if (!closed) {
          command(c -> c.unsubscribe(channel.name));
        }
      }
    }
  }

  /**
   * Runs an action on every local member of the stream, each on its own event loop, queued behind the frames
   * already handed to that loop and ahead of any handed over later.
   */
  void forEachLocal(long streamId, Consumer<M> action) {
    Channel<M> channel;
    synchronized (this) {
      channel = channels.get(streamId);
    }
    if (channel != null) {
      channel.groups.values().forEach(g -> g.context.runOnContext(v -> {
        g.deliver(); // what was handed over before goes first
        g.forEach(action);
      }));
    }
  }

  /** How many event-loop groups a stream has on this node (for tests: at most one per event loop). */
  synchronized int groups(long streamId) {
    Channel<M> channel = channels.get(streamId);
    return channel == null ? 0 : channel.groups.size();
  }

  /** Every local member of every stream, for shutting down. */
  void forEachMember(Consumer<M> action) {
    List<Map<Context, Group<M>>> all;
    synchronized (this) {
      all = channels.values().stream().map(c -> c.groups).toList();
    }
    all.forEach(groups -> groups.values().forEach(g -> g.context.runOnContext(v -> g.forEach(action))));
  }

  Future<Void> close() {
    CompletableFuture<StatefulRedisPubSubConnection<String, String>> open;
    synchronized (this) {
      closed = true;
      open = connection;
      connection = null;
    }
    if (open == null) {
      return Future.succeededFuture();
    }
    return Future.fromCompletionStage(open.thenCompose(StatefulRedisPubSubConnection::closeAsync))
        .otherwiseEmpty();
  }

  private Channel<M> newChannel(long streamId) {
    Channel<M> channel = new Channel<>(streamId);
    channel.pacer = pacers.apply(frame -> fanOut(channel, frame));
    return channel;
  }

  private void fanOut(Channel<M> channel, RoomFrame frame) {
    for (Group<M> group : channel.groups.values()) {
      if (group.gather(frame)) {
        vertx.setTimer(GATHER_MS, id -> group.context.runOnContext(v -> group.deliver()));
      }
    }
  }

  /** Lettuce thread: no blocking; parse and encode once, pace, then hand over to the event loops. */
  private void received(String channelName, String text) {
    Channel<M> channel = byName.get(channelName);
    if (channel == null) {
      return;
    }
    RoomFrame frame;
    try {
      frame = RoomFrame.parse(text);
    } catch (RuntimeException e) {
      LOG.warn("unreadable frame on {}: {}", channelName, e.toString());
      return;
    }
    channel.pacer.offer(frame);
  }

  /** Lettuce thread. After a reconnect Lettuce re-subscribes by itself; what was published meanwhile is lost. */
  private void subscribed(String channelName) {
    if (!interrupted.remove(channelName)) {
      return;
    }
    Channel<M> channel = byName.get(channelName);
    if (channel == null) {
      return;
    }
    channel.groups.keySet().stream().findFirst()
        .ifPresent(context -> context.runOnContext(v -> onGap.accept(channel.streamId)));
  }

  private void disconnected() {
    interrupted.addAll(byName.keySet());
  }

  /** Caller holds the lock. */
  private CompletableFuture<Void> command(
      Function<RedisPubSubAsyncCommands<String, String>, RedisFuture<Void>> command) {
    if (connection == null || connection.isCompletedExceptionally()) {
      connection = connect();
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    connection = connection.thenApply(c -> {
      try {
        command.apply(c.async()).whenComplete((ok, error) -> {
          if (error == null) {
            done.complete(null);
          } else {
            done.completeExceptionally(error);
          }
        });
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
      return c;
    });
    connection.whenComplete((c, error) -> {
      if (error != null) {
        done.completeExceptionally(error);
      }
    });
    return done;
  }

  /** Connecting blocks, so it runs on a worker; commands made meanwhile wait in the chain. */
  private CompletableFuture<StatefulRedisPubSubConnection<String, String>> connect() {
    return vertx.executeBlocking(() -> {
      StatefulRedisPubSubConnection<String, String> c = redis.connectPubSub();
      c.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          received(channel, message);
        }

        @Override
        public void subscribed(String channel, long count) {
          RoomHub.this.subscribed(channel);
        }
      });
      c.addListener(new RedisConnectionStateListener() {
        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
          disconnected();
        }
      });
      return c;
    }, false).toCompletionStage().toCompletableFuture();
  }
}
