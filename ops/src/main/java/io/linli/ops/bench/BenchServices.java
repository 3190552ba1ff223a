package io.linli.ops.bench;

import io.linli.core.db.DatabaseUrl;
import io.linli.core.local.LocalServices;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Starts a throwaway Redis and PostgreSQL for the benchmark, writes their URLs (and a free port for the node) to
 * a file the script sources, and keeps them up until this process is stopped (SIGTERM or Ctrl-C: LocalServices'
 * shutdown hooks stop both). {@code durable} keeps fsync and synchronous commit on, as in production;
 * {@code throwaway} is the test suite's setting (no fsync). PostgreSQL also times its WAL flushes here, so the report
 * can say how long commits waited for the disk ({@link WalFlushes}).
 *
 * <p>{@code java -cp linli.jar io.linli.ops.bench.BenchServices DATA_DIR durable|throwaway ENV_FILE}
 */
public final class BenchServices {
  private BenchServices() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 3 || !(args[1].equals("durable") || args[1].equals("throwaway"))) {
      System.err.println("usage: BenchServices DATA_DIR durable|throwaway ENV_FILE");
      System.exit(2);
    }
    LocalServices.Mode mode = args[1].equals("durable") ? LocalServices.Mode.DURABLE : LocalServices.Mode.THROWAWAY;
    LocalServices services = LocalServices.start(Path.of(args[0]), mode);
    timeWalFlushes(services.databaseUrl());
    Path env = Path.of(args[2]);
    Path partial = env.resolveSibling(env.getFileName() + ".partial");
    Files.writeString(partial, "LINLI_REDIS_URL='" + services.redisUrl() + "'\n"
        + "LINLI_DATABASE_URL='" + services.databaseUrl() + "'\n"
        + "BENCH_NODE_PORT=" + freePort() + "\n");
    // Renamed into place, so the script never reads half a file.
    Files.move(partial, env);
    Thread.currentThread().join();
  }

  /**
   * {@code track_wal_io_timing} costs two clock reads per WAL write or flush. It is set here, on the benchmark's
   * throwaway cluster, and not in the local services a node starts for itself.
   */
  private static void timeWalFlushes(String databaseUrl) {
    DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        Statement s = c.createStatement()) {
      s.execute("alter system set track_wal_io_timing = on");
      s.execute("select pg_reload_conf()");
    } catch (SQLException e) {
      System.err.println("WAL flushes will not be timed: " + e.getMessage());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
