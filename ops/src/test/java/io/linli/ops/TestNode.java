package io.linli.ops;

import io.linli.core.config.LinliConfig;
import io.linli.core.testing.TestPlatform;
import java.time.Clock;
import java.util.Map;

/** A real node for a test class: real Redis and PostgreSQL (a fresh database), a real HTTP port. */
public final class TestNode {
  private TestNode() {}

  public static String freshDatabase() {
    return TestPlatform.freshDatabase(Modules.SCHEMAS);
  }

  public static Node start(String databaseUrl) {
    return start(databaseUrl, Map.of());
  }

  public static Node start(String databaseUrl, Map<String, String> env) {
    LinliConfig config = TestPlatform.config(databaseUrl, env);
    return Node.start(config, Clock.systemUTC()).await();
  }
}
