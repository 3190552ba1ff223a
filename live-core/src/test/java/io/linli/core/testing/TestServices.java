package io.linli.core.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.linli.core.db.DatabaseUrl;
import io.linli.core.db.Migrations;
import io.linli.core.db.ModuleSchema;
import io.linli.core.local.LocalServices;
import io.linli.core.local.LocalServices.Mode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * One Redis and one PostgreSQL per test JVM, started on first use (throwaway mode, in a fresh temp folder that
 * is deleted at exit) and stopped by a shutdown hook.
 *
 * <p>To test against services you run yourself, set LINLI_TEST_REDIS_URL (redis://host:port; note
 * {@link #flushRedis()} wipes it) and/or LINLI_TEST_DATABASE_URL (postgresql://user:password@host:port/db; the
 * user needs CREATEDB, and the databases made here are dropped at exit). Only the missing ones start locally.
 *
 * <p>{@link #freshDatabase} migrates one template database per distinct schema list, then copies it
 * ({@code CREATE DATABASE ... TEMPLATE}), which is much faster than migrating every test's database. Names
 * carry a random per-JVM tag so JVMs sharing an external server do not collide.
 */
public final class TestServices {
  private static volatile TestServices instance;

  private final String redisUrl;
  private final DatabaseUrl server; // where we connect to create databases
  private final boolean externalDatabase;
  private final String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
  private final Map<List<String>, String> templates = new HashMap<>();
  private final List<String> created = new ArrayList<>();
  private int databases;
  private Connection admin;
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> redis;

  private TestServices(String redisUrl, DatabaseUrl server, boolean externalDatabase) {
    this.redisUrl = redisUrl;
    this.server = server;
    this.externalDatabase = externalDatabase;
  }

  public static TestServices get() {
    TestServices services = instance;
    if (services != null) {
      return services;
    }
    synchronized (TestServices.class) {
      // Not a holder class: a failed start must fail every caller with its message, not NoClassDefFoundError.
      if (instance == null) {
        instance = start();
      }
      return instance;
    }
  }

  public String redisUrl() {
    return redisUrl;
  }

  /** The URL of a brand-new database holding the given modules' tables (migrated, empty). */
  public synchronized String freshDatabase(List<ModuleSchema> schemas) {
    String template = template(schemas);
    String name = "t_" + tag + "_" + (++databases);
    execute("create database " + name + " template " + template);
    created.add(name);
    return server.withDatabase(name).toUrl();
  }

  public synchronized void flushRedis() {
    if (redis == null) {
      redisClient = RedisClient.create(redisUrl);
      redis = redisClient.connect();
    }
    redis.sync().flushall();
  }

  private String template(List<ModuleSchema> schemas) {
    List<String> key = schemas.stream().map(ModuleSchema::module).toList();
    String existing = templates.get(key);
    if (existing != null) {
      return existing;
    }
    String name = "tpl_" + tag + "_" + templates.size();
    execute("create database " + name);
    created.add(name);
    Migrations.migrate(server.withDatabase(name).toUrl(), schemas);
    // Copying needs the template to have no sessions: refuse new ones and end any Flyway left behind.
    execute("alter database " + name + " allow_connections false");
    try (PreparedStatement terminate = admin().prepareStatement(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()")) {
      terminate.setString(1, name);
      terminate.execute();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot prepare template " + name + ": " + e.getMessage(), e);
    }
    templates.put(key, name);
    return name;
  }

  private void execute(String sql) {
    try (Statement statement = admin().createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private Connection admin() throws SQLException {
    if (admin == null || admin.isClosed()) {
      admin = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
    }
    return admin;
  }

  private static TestServices start() {
    String externalRedis = env("LINLI_TEST_REDIS_URL");
    String externalDatabase = env("LINLI_TEST_DATABASE_URL");
    Path dir = null;
    String redisUrl = externalRedis;
    String databaseUrl = externalDatabase;
    List<AutoCloseable> local = new ArrayList<>();
    if (externalRedis == null || externalDatabase == null) {
      try {
        // 0711: as root, PostgreSQL runs as the postgres user, which must be able to walk into this folder.
        dir = Files.createTempDirectory("linli-test-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        if (externalRedis == null && externalDatabase == null) {
          LocalServices services = LocalServices.start(dir, Mode.THROWAWAY);
          local.add(services);
          redisUrl = services.redisUrl();
          databaseUrl = services.databaseUrl();
        } else if (externalRedis == null) {
          var redis = LocalServices.startRedis(dir, Mode.THROWAWAY);
          local.add(redis);
          redisUrl = redis.url();
        } else {
          var postgres = LocalServices.startPostgres(dir, Mode.THROWAWAY);
          local.add(postgres);
          databaseUrl = postgres.databaseUrl();
        }
      } catch (RuntimeException e) {
        deleteRecursively(dir);
        throw e;
      }
    }
    TestServices services = new TestServices(redisUrl, DatabaseUrl.parse(databaseUrl), externalDatabase != null);
    Path tempDir = dir;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> services.shutdown(local, tempDir), "linli-test-services-stop"));
    return services;
  }

  private synchronized void shutdown(List<AutoCloseable> local, Path dir) {
    if (externalDatabase) {
      for (String name : created) {
        try {
          execute("drop database if exists " + name);
        } catch (RuntimeException e) {
          // best effort: a leftover test database on a shared server is untidy, not harmful
        }
      }
    }
    closeQuietly(admin);
    closeQuietly(redis);
    if (redisClient != null) {
      redisClient.shutdown();
    }
    local.forEach(TestServices::closeQuietly);
    if (dir != null) {
      deleteRecursively(dir);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      System.err.println("TestServices: " + e.getMessage());
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // the OS cleans temp folders eventually
    }
  }

  private static String env(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? null : value;
  }
}
