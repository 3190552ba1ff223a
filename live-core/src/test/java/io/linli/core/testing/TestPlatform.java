package io.linli.core.testing;

import io.linli.core.Platform;
import io.linli.core.PlatformFactory;
import io.linli.core.config.LinliConfig;
import io.linli.core.db.ModuleSchema;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's shared clients for a test class: the JVM-wide Redis and PostgreSQL from {@link TestServices},
 * a brand-new database with the given modules' tables, and Redis flushed.
 */
public final class TestPlatform {
  /** The key test nodes sign tokens with; a client minting its own tokens for them needs it too. */
  public static final String TOKEN_SECRET = "test-secret-test-secret-test-secret-0123";

  private TestPlatform() {}

  /** Config for a test node: test services, a free port, cheap password hashing. */
  public static LinliConfig config(String databaseUrl, Map<String, String> extra) {
    TestServices services = TestServices.get();
    Map<String, String> env = new HashMap<>();
    env.put("LINLI_PORT", "0");
    env.put("LINLI_REDIS_URL", services.redisUrl());
    env.put("LINLI_DATABASE_URL", databaseUrl);
    env.put("LINLI_PASSWORD_COST", "4");
    env.put("LINLI_TOKEN_SECRET", TOKEN_SECRET);
    env.putAll(extra);
    return LinliConfig.from(env);
  }

  public static String freshDatabase(List<ModuleSchema> schemas) {
    TestServices services = TestServices.get();
    services.flushRedis();
    return services.freshDatabase(schemas);
  }

  public static Platform create(Vertx vertx, List<ModuleSchema> schemas) {
    return create(vertx, config(freshDatabase(schemas), Map.of()), Clock.systemUTC());
  }

  public static Platform create(Vertx vertx, LinliConfig config, Clock clock) {
    return PlatformFactory.create(vertx, config, clock, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }
}
