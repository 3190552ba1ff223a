package io.linli.core.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The node's Redis access: one Lettuce client and one shared, auto-pipelined connection for commands
 * (Lettuce multiplexes concurrent commands on it), plus dedicated connections for pub/sub.
 * Results come back on the caller's Vert.x context, never on a Lettuce thread.
 */
public final class Redis implements AutoCloseable {
  private final Vertx vertx;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;

  private Redis(Vertx vertx, RedisClient client, StatefulRedisConnection<String, String> connection) {
    this.vertx = vertx;
    this.client = client;
    this.connection = connection;
  }

  /** Blocking connect: call from main or executeBlocking. */
  public static Redis connect(Vertx vertx, String url) {
    RedisClient client = RedisClient.create(RedisURI.create(url));
    client.setOptions(ClientOptions.builder().autoReconnect(true).build());
    StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
    connection.setTimeout(Duration.ofSeconds(5));
    return new Redis(vertx, client, connection);
  }

  public RedisAsyncCommands<String, String> async() {
    return connection.async();
  }

  /** Runs a command and completes on the current Vert.x context. */
  public <T> Future<T> call(Function<RedisAsyncCommands<String, String>, CompletionStage<T>> command) {
    return Future.fromCompletionStage(command.apply(connection.async()), vertx.getOrCreateContext());
  }

  public <T> Future<T> eval(LuaScript script, String[] keys, String... args) {
    return Future.fromCompletionStage(script.eval(connection.async(), keys, args), vertx.getOrCreateContext());
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
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
