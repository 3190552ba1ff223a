package io.linli.core;

import io.linli.core.auth.Auth;
import io.linli.core.auth.Passwords;
import io.linli.core.auth.Tokens;
import io.linli.core.config.LinliConfig;
import io.linli.core.redis.Redis;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * The shared clients of one node, built once in main and handed to every module's services: one Vert.x, one
 * PostgreSQL pool, one Redis connection, one clock (injectable, so tests can move time).
 */
public record Platform(
    Vertx vertx,
    LinliConfig config,
    Pool pool,
    Redis redis,
    Tokens tokens,
    Passwords passwords,
    Clock clock,
    MeterRegistry metrics) {

  public Auth auth() {
    return new Auth(tokens);
  }
}
