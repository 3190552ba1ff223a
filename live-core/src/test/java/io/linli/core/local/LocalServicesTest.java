package io.linli.core.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.linli.core.db.DatabaseUrl;
import io.linli.core.db.ModuleSchema;
import io.linli.core.local.LocalServices.Mode;
import io.linli.core.testing.TestServices;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;
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
