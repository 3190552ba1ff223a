package io.linli.core.local;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real Redis and PostgreSQL started by the server itself when no LINLI_REDIS_URL / LINLI_DATABASE_URL is set,
 * so {@code serve} works on a bare machine. Both listen on 127.0.0.1 only, on ports picked at start.
 *
 * <p>Called from {@code main} before Vert.x starts and from test fixtures, never from an event loop: it blocks.
 * Each service registers its own JVM shutdown hook (so Ctrl-C stops both, in parallel) and removes it on
 * {@link #close()}; a server that must close its clients first hands both to {@link #stopOnExitAfter}. Layout
 * under the data folder: {@code redis/} and {@code postgres*}, see {@link LocalRedis} and {@link LocalPostgres};
 * a service whose folder is locked by another live server refuses to start, and one left running by a killed
 * earlier run is stopped first.
 */
public final class LocalServices implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalServices.class);

  public enum Mode {
    /** For {@code serve}: data is flushed to disk and kept across restarts. */
    DURABLE,
    /** For tests: no fsync, no Redis persistence; the data folder is expected to be thrown away. */
    THROWAWAY
  }

  private final LocalRedis redis;
  private final LocalPostgres postgres;

  private LocalServices(LocalRedis redis, LocalPostgres postgres) {
    this.redis = redis;
    this.postgres = postgres;
  }

  /** Starts both; throws {@link LocalServicesException} with one line saying what to install or set. */
  public static LocalServices start(Path dataDir, Mode mode) {
    long started = System.nanoTime();
    LocalRedis redis = startRedis(dataDir, mode);
    try {
      LocalServices services = new LocalServices(redis, startPostgres(dataDir, mode));
      log.debug("Local services ready in {} ms", (System.nanoTime() - started) / 1_000_000);
      return services;
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
  }

  /** Redis alone, data in {@code <dataDir>/redis}. */
  public static LocalRedis startRedis(Path dataDir, Mode mode) {
    return LocalRedis.start(dataDir.toAbsolutePath(), mode);
  }

  /** PostgreSQL alone, cluster in {@code <dataDir>/postgres}. */
  public static LocalPostgres startPostgres(Path dataDir, Mode mode) {
    return LocalPostgres.start(dataDir.toAbsolutePath(), mode);
  }

  public LocalRedis redis() {
    return redis;
  }

  public LocalPostgres postgres() {
    return postgres;
  }

  /** {@code redis://127.0.0.1:<port>} */
  public String redisUrl() {
    return redis.url();
  }

  /** {@code postgresql://linli:<password>@127.0.0.1:<port>/linli} */
  public String databaseUrl() {
    return postgres.databaseUrl();
  }

  /**
   * From now on, at JVM exit, stops both only after {@code first} has run, rather than on their own hooks in parallel
   * with the rest of the exit. A node passes its own close: a Redis stopped under a live Lettuce client has the
   * client's reconnect watchdog log a stack trace, and PostgreSQL stopped under the pool fails what is in flight.
   */
  public void stopOnExitAfter(Runnable first) {
    ExitHook.register("linli-shutdown", () -> {
      try {
        first.run();
      } finally {
        close();
      }
    });
    redis.cancelExitHook();
    postgres.cancelExitHook();
  }

  /** Stops both. Idempotent. */
  @Override
  public void close() {
    try {
      postgres.close();
    } finally {
      redis.close();
    }
  }
}
