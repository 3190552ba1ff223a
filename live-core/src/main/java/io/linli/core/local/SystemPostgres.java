package io.linli.core.local;

import io.linli.core.local.LocalServices.Mode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster run with the installed initdb and pg_ctl (as the postgres user when we are root, see
 * {@link PostgresUser}). The server listens on 127.0.0.1 only and gets no Unix socket: socket paths are limited
 * to ~100 characters and the distribution's socket folder (/var/run/postgresql) is not writable by everyone.
 * pg_ctl still waits for readiness through postmaster.pid, so it does not need the socket.
 */
final class SystemPostgres {
  private static final Logger log = LoggerFactory.getLogger(SystemPostgres.class);
  private static final Path DISTRIBUTION_ROOT = Path.of("/usr/lib/postgresql");
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");
  private static final Duration QUICK = Duration.ofSeconds(60);
  private static final Duration SLOW = Duration.ofSeconds(120);
  private static final int ATTEMPTS = 3;

  /** One installed PostgreSQL: a folder holding initdb, pg_ctl and postgres. */
  record Install(Path bin, int major) {
    String tool(String name) {
      return bin.resolve(name).toString();
    }
  }

  private final Install install;
  private final Path pgdata;
  private final Path logFile;
  private final Mode mode;
  private final List<String> asPostgres;

  SystemPostgres(Install install, Path pgdata, Path logFile, Mode mode) {
    this.install = install;
    this.pgdata = pgdata;
    this.logFile = logFile;
    this.mode = mode;
    this.asPostgres = PostgresUser.prefix();
  }

  Install install() {
    return install;
  }

  /**
   * The installation to use for {@code pgdata}: the one matching the major version its data was made with,
   * otherwise the newest. Distribution folders (/usr/lib/postgresql/N/bin) come before the PATH, where a
   * stray copy of initdb may sit apart from the matching server binaries.
   */
  static Optional<Install> find(Path pgdata) {
    List<Install> installs = installs();
    if (installs.isEmpty()) {
      return Optional.empty();
    }
    Optional<Integer> dataMajor = dataVersion(pgdata);
    if (dataMajor.isEmpty()) {
      return Optional.of(installs.get(0));
    }
    return Optional.of(installs.stream().filter(i -> i.major() == dataMajor.get()).findFirst()
        .orElseThrow(() -> new LocalServicesException("the data in " + pgdata + " was made by PostgreSQL "
            + dataMajor.get() + " but PostgreSQL " + installs.get(0).major() + " is installed: install postgresql-"
            + dataMajor.get() + ", move the folder away, or set LINLI_DATABASE_URL")));
  }

  static boolean initialised(Path pgdata) {
    return Files.exists(pgdata.resolve("PG_VERSION"));
  }

  /** Runs initdb; the superuser is {@code linli} with the password in {@code passwordFile}. */
  void initdb(Path passwordFile) {
    List<String> command = new ArrayList<>(asPostgres);
    command.addAll(List.of(install.tool("initdb"), "-D", pgdata.toString(), "-U", "linli",
        "--pwfile=" + passwordFile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"));
    if (mode == Mode.THROWAWAY) {
      command.add("--no-sync");
    }
    Commands.Result result = Commands.run(command, SLOW);
    if (!result.ok()) {
      throw new LocalServicesException("initdb failed for " + pgdata + ": " + result.reason()
          + "; set LINLI_DATABASE_URL to use another PostgreSQL");
    }
  }

  /** Starts the server on a free port and returns the port. */
  int start() {
    stopOrphan();
    for (int attempt = 1; ; attempt++) {
      int port = FreePort.pick();
      long logStart = Commands.size(logFile);
      Commands.Result result = Commands.run(pgCtl("-l", logFile.toString(), "-w", "-t", "60",
          "-o", serverOptions(port), "start"), SLOW);
      if (result.ok()) {
        return port;
      }
      String serverLog = Commands.tail(logFile, logStart);
      boolean portTaken = serverLog.contains("could not bind") || serverLog.contains("already in use");
      if (attempt < ATTEMPTS && (portTaken || removeStalePidFile())) {
        continue;
      }
      String why = serverLog.isBlank() ? result.reason() : Commands.reason(serverLog);
      throw new LocalServicesException("PostgreSQL did not start: " + why + " (see " + logFile
          + "); set LINLI_DATABASE_URL to use another PostgreSQL");
    }
  }

  /** Throwaway data needs no shutdown checkpoint, so it stops at once. */
  void stop() {
    Commands.Result result = Commands.run(pgCtl("-m", mode == Mode.DURABLE ? "fast" : "immediate",
        "-w", "-t", "60", "stop"), SLOW);
    if (!result.ok()) {
      log.warn("pg_ctl stop failed for {}: {}", pgdata, result.reason());
    }
  }

  private String serverOptions(int port) {
    // pg_ctl hands these to /bin/sh, hence the shell-quoted empty value.
    StringBuilder options = new StringBuilder("-p " + port
        + " -c listen_addresses=" + FreePort.HOST
        + " -c unix_socket_directories=''"
        + " -c max_connections=200");
    if (mode == Mode.THROWAWAY) {
      options.append(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
    }
    return options.toString();
  }

  private List<String> pgCtl(String... arguments) {
    List<String> command = new ArrayList<>(asPostgres);
    command.addAll(List.of(install.tool("pg_ctl"), "-D", pgdata.toString()));
    command.addAll(List.of(arguments));
    return command;
  }

  /**
   * We hold the folder's lock, so a server still running on it was orphaned by a killed JVM. It listens on a
   * port nobody knows any more: stop it so ours can start.
   */
  private void stopOrphan() {
    if (Files.exists(pgdata.resolve("postmaster.pid")) && Commands.run(pgCtl("status"), QUICK).ok()) {
      log.warn("Stopping PostgreSQL left running on {} by an earlier run", pgdata);
      Commands.run(pgCtl("-m", "fast", "-w", "-t", "60", "stop"), SLOW);
    }
  }

  /** A postmaster.pid naming a dead process, or a process that is not PostgreSQL (its pid got reused). */
  private boolean removeStalePidFile() {
    Path pidFile = pgdata.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return false;
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
      // A zombie, or a process we may not inspect, has no command: it cannot be serving this folder.
      boolean postgresAlive = ProcessHandle.of(pid)
          .flatMap(p -> p.info().command())
          .map(command -> command.contains("postgres"))
          .orElse(false);
      if (postgresAlive) {
        return false;
      }
      log.warn("Removing stale {} (process {} is gone)", pidFile, pid);
      Files.delete(pidFile);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static Optional<Integer> dataVersion(Path pgdata) {
    try {
      Path file = pgdata.resolve("PG_VERSION");
      return Files.exists(file) ? Optional.of(Integer.parseInt(Files.readString(file).strip())) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static List<Install> installs() {
    List<Install> found = new ArrayList<>();
    if (Files.isDirectory(DISTRIBUTION_ROOT)) {
      try (DirectoryStream<Path> versions = Files.newDirectoryStream(DISTRIBUTION_ROOT, "[0-9]*")) {
        List<Install> distribution = new ArrayList<>();
        for (Path version : versions) {
          Path bin = version.resolve("bin");
          if (complete(bin)) {
            distribution.add(new Install(bin, Integer.parseInt(version.getFileName().toString().split("\\.")[0])));
          }
        }
        distribution.sort(Comparator.comparingInt(Install::major).reversed());
        found.addAll(distribution);
      } catch (IOException | NumberFormatException e) {
        log.debug("Cannot list {}", DISTRIBUTION_ROOT, e);
      }
    }
    for (Path dir : Binaries.searchPath("/usr/local/pgsql/bin")) {
      Path initdb = dir.resolve("initdb");
      if (!Files.isExecutable(initdb)) {
        continue;
      }
      try {
        // Follow symlinks (/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb) to the real tool folder.
        Path bin = initdb.toRealPath().getParent();
        if (complete(bin) && found.stream().noneMatch(i -> i.bin().equals(bin))) {
          majorVersion(bin).ifPresent(major -> found.add(new Install(bin, major)));
        }
      } catch (IOException e) {
        log.debug("Cannot resolve {}", initdb, e);
      }
    }
    return found;
  }

  private static boolean complete(Path bin) {
    return Stream.of("initdb", "pg_ctl", "postgres").allMatch(tool -> Files.isExecutable(bin.resolve(tool)));
  }

  private static Optional<Integer> majorVersion(Path bin) {
    Commands.Result result = Commands.run(List.of(bin.resolve("pg_ctl").toString(), "--version"), QUICK);
    Matcher matcher = VERSION.matcher(result.output());
    return result.ok() && matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
  }
}
