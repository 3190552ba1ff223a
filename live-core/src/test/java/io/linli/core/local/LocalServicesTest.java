package io.linli.core.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.linli.core.db.DatabaseUrl;
import io.linli.core.db.ModuleSchema;
import io.linli.core.local.LocalServices.Mode;
import io.linli.core.testing.TestServices;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalServicesTest {
  @TempDir
  Path dataDir;

  @Test
  void durableDataSurvivesARestartAndCloseStopsTheServers() {
    int redisPort;
    int postgresPort;
    try (LocalServices services = LocalServices.start(dataDir, Mode.DURABLE)) {
      assertThat(services.redisUrl()).matches("redis://127\\.0\\.0\\.1:\\d+");
      assertThat(services.databaseUrl()).startsWith("postgresql://linli:").endsWith("/linli");
      assertThat(queryOne(services.databaseUrl(), "select 1")).isEqualTo("1");

      redisSet(services.redisUrl(), "greeting", "hello");
      update(services.databaseUrl(), "create table kept (v text)", "insert into kept values ('a row')");
      redisPort = URI.create(services.redisUrl()).getPort();
      postgresPort = DatabaseUrl.parse(services.databaseUrl()).port();
    }
    assertThat(FreePort.accepts(redisPort)).as("Redis still listening").isFalse();
    assertThat(FreePort.accepts(postgresPort)).as("PostgreSQL still listening").isFalse();

    LocalServices again = LocalServices.start(dataDir, Mode.DURABLE);
    try {
      assertThat(redisGet(again.redisUrl(), "greeting")).isEqualTo("hello");
      assertThat(queryOne(again.databaseUrl(), "select v from kept")).isEqualTo("a row");
    } finally {
      again.close();
      again.close();
    }
  }

  @Test
  void atExitAServerHandedToStopOnExitAfterStopsOnlyAfterItsOwnersClose() throws Exception {
    Path log = dataDir.resolve("probe.log");
    Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), StopOnExitProbe.class.getName(), dataDir.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      assertThat(probe.waitFor(90, TimeUnit.SECONDS)).as("probe exited").isTrue();
    } finally {
      probe.destroyForcibly();
    }
    String output = Files.readString(log);
    assertThat(output).contains("while the node closed: Redis up true, PostgreSQL up true");
    Matcher ports = Pattern.compile("ports (\\d+) (\\d+)").matcher(output);
    assertThat(ports.find()).as("ports printed; output:%n%s", output).isTrue();
    assertThat(FreePort.accepts(Integer.parseInt(ports.group(1)))).as("Redis stopped at exit").isFalse();
    assertThat(FreePort.accepts(Integer.parseInt(ports.group(2)))).as("PostgreSQL stopped at exit").isFalse();
  }

  @Test
  void freshDatabasesAreMigratedAndIndependent() {
    TestServices services = TestServices.get();
    List<ModuleSchema> schemas = List.of(new ModuleSchema("localtest"));
    String first = services.freshDatabase(schemas);
    String second = services.freshDatabase(schemas);
    assertThat(first).isNotEqualTo(second);

    update(first, "insert into t (id, name) values (1, 'one')");
    assertThat(queryOne(first, "select count(*) from t")).isEqualTo("1");
    assertThat(queryOne(second, "select count(*) from t")).isEqualTo("0");

    redisSet(services.redisUrl(), "k", "v");
    services.flushRedis();
    assertThat(redisGet(services.redisUrl(), "k")).isNull();
  }

  private static void update(String databaseUrl, String... statements) {
    try (Connection connection = connect(databaseUrl); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static String queryOne(String databaseUrl, String sql) {
    try (Connection connection = connect(databaseUrl);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      assertThat(rows.next()).isTrue();
      return rows.getString(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static Connection connect(String databaseUrl) throws SQLException {
    DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }

  private static void redisSet(String url, String key, String value) {
    redis(url, connection -> connection.sync().set(key, value));
  }

  private static String redisGet(String url, String key) {
    return redis(url, connection -> connection.sync().get(key));
  }

  private static String redis(String url, Function<StatefulRedisConnection<String, String>, String> work) {
    RedisClient client = RedisClient.create(url);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return work.apply(connection);
    } finally {
      client.shutdown();
    }
  }
}
