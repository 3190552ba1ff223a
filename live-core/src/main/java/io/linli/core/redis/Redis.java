package io.linli.core.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The node's Redis access: one Lettuce client and one shared, auto-pipelined connection for commands
 * (Lettuce multiplexes concurrent commands on it), plus dedicated connections for pub/sub.
 * Results come back on the caller's Vert.x context, never on a Lettuce thread.
 *
 * <p>A command sent from one of Vert.x's event loops goes out on a connection of that loop's own
 * ({@link LoopConnection}): Lettuce writes it on the calling thread and reads the reply there too. Through the
 * shared connection every command was a task handed to Lettuce's I/O thread, a wake-up of that thread, and a
 * second hop back to the caller's loop with the reply: on the join path that was a sixth of the node's CPU
 * (ops/bench/FINDINGS.md). Commands from any other thread (workers, tests, main) use the shared connection.
 */
public final class Redis implements AutoCloseable {
  private final Vertx vertx;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final LoopConnection[] loops;

  private Redis(Vertx vertx, RedisClient client, StatefulRedisConnection<String, String> connection,
      LoopConnection[] loops) {
    this.vertx = vertx;
    this.client = client;
    this.connection = connection;
    this.loops = loops;
  }

  /** Blocking connect: call from main or executeBlocking (never from an event loop: it connects on them). */
  public static Redis connect(Vertx vertx, String url) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("Redis.connect blocks; call it from main or executeBlocking");
    }
    RedisURI uri = RedisURI.create(url);
    ClientOptions options = ClientOptions.builder().autoReconnect(true).build();
    RedisClient client = RedisClient.create(uri);
    client.setOptions(options);
    StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
    connection.setTimeout(Duration.ofSeconds(5));
    List<LoopConnection> loops = new ArrayList<>();
    try {
      for (EventExecutor executor : ((VertxInternal) vertx).nettyEventLoopGroup()) {
        loops.add(LoopConnection.open((EventLoop) executor, client.getResources(), uri, options));
      }
    } catch (RuntimeException e) {
      loops.forEach(LoopConnection::close);
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw e;
    }
    return new Redis(vertx, client, connection, loops.toArray(LoopConnection[]::new));
  }

  /** Commands on the calling event loop's own connection, else on the shared one. */
  public RedisAsyncCommands<String, String> async() {
    for (LoopConnection loop : loops) {
      if (loop.isCurrent()) {
        return loop.commands();
      }
    }
    return connection.async();
  }

  /** Runs a command and completes on the current Vert.x context. */
  public <T> Future<T> call(Function<RedisAsyncCommands<String, String>, CompletionStage<T>> command) {
    CompletionStage<T> sent;
    try {
      sent = command.apply(async());
    } catch (RuntimeException e) {
      // Lettuce throws rather than fails for a command sent once the client is shut down (a socket leaving while
      // its node stops): the caller gets a failed future, as for any other Redis failure.
      return Future.failedFuture(e);
    }
    return Future.fromCompletionStage(sent, vertx.getOrCreateContext());
  }

  public <T> Future<T> eval(LuaScript script, String[] keys, String... args) {
    return call(commands -> script.eval(commands, keys, args));
  }

  /** A new connection for SUBSCRIBE: a subscribed connection can do nothing else. */
  public StatefulRedisPubSubConnection<String, String> connectPubSub() {
    return client.connectPubSub(StringCodec.UTF8);
  }

  public Future<Boolean> ping() {
    return call(c -> c.ping()).map("PONG"::equals);
  }

  @Override
  public void close() {
    for (LoopConnection loop : loops) {
      loop.close();
    }
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
