package io.linli.core.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A Redis connection driven by one Vert.x event loop: its socket is registered on that loop, so a command sent
 * from the loop is written at once on the calling thread and its reply is read and completed there, with no
 * hand-over to a Lettuce thread and back. Lettuce takes its event loops from an {@link EventLoopGroupProvider};
 * this one hands out the Vert.x loop (an event loop is a group of one) and never shuts it down: Vert.x owns it.
 * Everything else (timer, computation threads, reconnect delays) is the shared client's.
 */
final class LoopConnection {
  private final EventLoop loop;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> commands;

  private LoopConnection(EventLoop loop, ClientResources resources, RedisClient client,
      StatefulRedisConnection<String, String> connection) {
    this.loop = loop;
    this.resources = resources;
    this.client = client;
    this.connection = connection;
    this.commands = connection.async();
  }

  /** Blocking; never from {@code loop} itself, which does the connecting. */
  static LoopConnection open(EventLoop loop, ClientResources shared, RedisURI uri, ClientOptions options) {
    ClientResources resources = shared.mutate().eventLoopGroupProvider(new OneLoop(loop))
        .nettyCustomizer(new ConsolidatedFlushes()).build();
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(options);
    try {
      StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
      connection.setTimeout(Duration.ofSeconds(5));
      return new LoopConnection(loop, resources, client, connection);
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw e;
    }
  }

  boolean isCurrent() {
    return loop.inEventLoop();
  }

  RedisAsyncCommands<String, String> commands() {
    return commands;
  }

  void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /**
   * Lettuce flushes the socket after every command. Commands sent while the loop works through one round of
   * ready sockets (several HTTP requests read at once each send their script) now leave in one write when that
   * round ends, and Redis reads them in one go; a command sent alone still leaves in the same loop iteration.
   */
  private static final class ConsolidatedFlushes implements NettyCustomizer {
    @Override
    public void afterChannelInitialized(Channel channel) {
      channel.pipeline().addFirst(new FlushConsolidationHandler(
          FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    }
  }

  /** Lends Lettuce one event loop that Vert.x owns: releasing or shutting it down leaves it running. */
  private record OneLoop(EventLoop loop) implements EventLoopGroupProvider {
    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
      return (T) loop;
    }

    @Override
    public int threadPoolSize() {
      return 1;
    }

    @Override
    public io.netty.util.concurrent.Future<Boolean> release(EventExecutorGroup group, long quiet, long timeout,
        TimeUnit unit) {
      return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }

    @Override
    public io.netty.util.concurrent.Future<Boolean> shutdown(long quiet, long timeout, TimeUnit unit) {
      return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }
  }
}
