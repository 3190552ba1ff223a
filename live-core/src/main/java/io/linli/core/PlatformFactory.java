package io.linli.core;

import io.linli.core.auth.Passwords;
import io.linli.core.auth.Tokens;
import io.linli.core.config.LinliConfig;
import io.linli.core.db.DatabaseUrl;
import io.linli.core.redis.Redis;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Clock;

/** Builds the shared clients of a node from its config (blocking: call from main or a worker). */
public final class PlatformFactory {
  private PlatformFactory() {}

  public static Platform create(Vertx vertx, LinliConfig config, Clock clock, MeterRegistry metrics) {
    String databaseUrl = config.databaseUrl().orElseThrow(() -> new IllegalStateException("no database URL"));
    String redisUrl = config.redisUrl().orElseThrow(() -> new IllegalStateException("no Redis URL"));
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(config.databasePoolSize()).setShared(false))
        .connectingTo(DatabaseUrl.parse(databaseUrl).connectOptions())
        .using(vertx)
        .build();
    Redis redis = Redis.connect(vertx, redisUrl);
    Tokens tokens = new Tokens(vertx, config.tokenSecret(), config.staffTokenTtl(), config.viewerTokenTtl());
    return new Platform(vertx, config, pool, redis, tokens, new Passwords(vertx, config.passwordHashCost()),
        clock, metrics);
  }

  public static void close(Platform platform) {
    platform.pool().close();
    platform.redis().close();
  }
}
