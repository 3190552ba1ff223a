package io.linli.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every setting of a node, read in one place from {@code LINLI_*} environment variables.
 * The README's configuration table lists the same names and defaults.
 */
public record LinliConfig(
    int port,
    Path dataDir,
    Optional<String> redisUrl,
    Optional<String> databaseUrl,
    String tokenSecret,
    Duration staffTokenTtl,
    Duration viewerTokenTtl,
    int bodyLimitBytes,
    int passwordHashCost,
    int databasePoolSize,
    int wsMaxFrameBytes,
    int wsMaxQueuedFrames,
    int chatMaxLength,
    int roomHistorySize,
    int maxJoinQuantity,
    String sandboxPaySecret,
    String nodeId) {

  /** Used only when LINLI_TOKEN_SECRET is unset: fine for a demo on one machine, never for production. */
  public static final String DEV_TOKEN_SECRET = "linli-dev-secret-change-me-0123456789abcdef";

  public static LinliConfig fromEnv() {
    return from(System.getenv());
  }

  public static LinliConfig from(Map<String, String> env) {
    Reader r = new Reader(env);
    return new LinliConfig(
        r.integer("LINLI_PORT", 8080, 0, 65535),
        Path.of(r.text("LINLI_DATA_DIR", Path.of(System.getProperty("user.home"), ".linli").toString())),
        r.optional("LINLI_REDIS_URL"),
        r.optional("LINLI_DATABASE_URL"),
        r.text("LINLI_TOKEN_SECRET", DEV_TOKEN_SECRET),
        Duration.ofHours(r.integer("LINLI_STAFF_TOKEN_HOURS", 12, 1, 24 * 30)),
        Duration.ofDays(r.integer("LINLI_VIEWER_TOKEN_DAYS", 30, 1, 365)),
        r.integer("LINLI_BODY_LIMIT_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
        r.integer("LINLI_PASSWORD_COST", 10, 4, 16),
        r.integer("LINLI_DB_POOL_SIZE", 16, 1, 256),
        r.integer("LINLI_WS_MAX_FRAME_BYTES", 4096, 256, 1024 * 1024),
        r.integer("LINLI_WS_MAX_QUEUED_FRAMES", 256, 8, 100_000),
        r.integer("LINLI_CHAT_MAX_LENGTH", 200, 1, 2000),
        r.integer("LINLI_ROOM_HISTORY", 500, 10, 100_000),
        r.integer("LINLI_MAX_JOIN_QUANTITY", 99, 1, 1_000_000),
        r.text("LINLI_SANDBOX_PAY_SECRET", "linli-sandbox-pay-secret"),
        r.text("LINLI_NODE_ID", "node-" + ProcessHandle.current().pid()));
  }

  public LinliConfig withPort(int newPort) {
    return new LinliConfig(newPort, dataDir, redisUrl, databaseUrl, tokenSecret, staffTokenTtl, viewerTokenTtl,
        bodyLimitBytes, passwordHashCost, databasePoolSize, wsMaxFrameBytes, wsMaxQueuedFrames, chatMaxLength,
        roomHistorySize, maxJoinQuantity, sandboxPaySecret, nodeId);
  }

  public LinliConfig withServices(String newRedisUrl, String newDatabaseUrl) {
    return new LinliConfig(port, dataDir, Optional.of(newRedisUrl), Optional.of(newDatabaseUrl), tokenSecret,
        staffTokenTtl, viewerTokenTtl, bodyLimitBytes, passwordHashCost, databasePoolSize, wsMaxFrameBytes,
        wsMaxQueuedFrames, chatMaxLength, roomHistorySize, maxJoinQuantity, sandboxPaySecret, nodeId);
  }

  /** Parses with a clear message naming the variable, so a typo fails at start and not at the first request. */
  private record Reader(Map<String, String> env) {
    Optional<String> optional(String name) {
      return Optional.ofNullable(env.get(name)).map(String::trim).filter(s -> !s.isEmpty());
    }

    String text(String name, String fallback) {
      return optional(name).orElse(fallback);
    }

    int integer(String name, int fallback, int min, int max) {
      return optional(name).map(parse(name, min, max)).orElse(fallback);
    }

    private static Function<String, Integer> parse(String name, int min, int max) {
      return raw -> {
        int value;
        try {
          value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + " must be a whole number, got '" + raw + "'");
        }
        if (value < min || value > max) {
          throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
      };
    }
  }
}
