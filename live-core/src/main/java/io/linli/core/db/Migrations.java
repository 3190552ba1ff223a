package io.linli.core.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.flywaydb.core.Flyway;

/** Runs every module's Flyway migrations, in the order given (dependencies first), off the event loop. */
public final class Migrations {
  private Migrations() {}

  public static Future<Void> run(Vertx vertx, String databaseUrl, List<ModuleSchema> schemas) {
    return vertx.executeBlocking(() -> {
      migrate(databaseUrl, schemas);
      return null;
    }, false);
  }

  /** Blocking: for {@code migrate} on the command line and for test fixtures. */
  public static void migrate(String databaseUrl, List<ModuleSchema> schemas) {
    DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
    for (ModuleSchema schema : schemas) {
      Flyway.configure()
          .dataSource(url.jdbcUrl(), url.user(), url.password())
          .locations(schema.location())
          .table(schema.historyTable())
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
    }
  }
}
