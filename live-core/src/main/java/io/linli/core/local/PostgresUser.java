package io.linli.core.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL refuses to run as root. When the JVM is root, initdb and pg_ctl run as the system user
 * {@code postgres} (runuser, else setpriv), which must own the cluster folder and be able to walk down to it.
 * Ancestors that bar other users (a temp folder made 0700, /root itself) get o+x: traverse only, no listing,
 * and files inside keep their own permissions. Each change is logged.
 */
final class PostgresUser {
  static final String NAME = "postgres";
  private static final Logger log = LoggerFactory.getLogger(PostgresUser.class);
  private static final Duration QUICK = Duration.ofSeconds(30);

  private PostgresUser() {}

  static boolean jvmIsRoot() {
    try {
      // /proc/self belongs to the process's effective user: truer than user.name, which HOME tricks can fool.
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** What to put in front of a command so it runs as postgres; empty when we are not root. */
  static List<String> prefix() {
    if (!jvmIsRoot()) {
      return List.of();
    }
    if (!exists()) {
      throw new LocalServicesException("PostgreSQL refuses to run as root and there is no '" + NAME
          + "' user: run Linli as a normal user, create the user (adduser --system --group postgres) or set LINLI_DATABASE_URL");
    }
    Path runuser = Binaries.find("runuser", "/usr/sbin", "/sbin");
    if (runuser != null) {
      return List.of(runuser.toString(), "-u", NAME, "--");
    }
    Path setpriv = Binaries.find("setpriv", "/usr/bin", "/bin");
    if (setpriv != null) {
      return List.of(setpriv.toString(), "--reuid=" + NAME, "--regid=" + NAME, "--init-groups", "--");
    }
    throw new LocalServicesException("running PostgreSQL as root needs runuser or setpriv (apt-get install util-linux),"
        + " or run Linli as a normal user, or set LINLI_DATABASE_URL");
  }

  private static boolean exists() {
    try {
      Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(NAME);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Hands {@code paths} to postgres (recursively for folders) and lets it reach them. No-op unless root. */
  static void handOver(Path reachable, Path... paths) {
    if (!jvmIsRoot()) {
      return;
    }
    makeTraversable(reachable);
    List<String> chown = new ArrayList<>(List.of("chown", "-R", NAME + ":"));
    for (Path path : paths) {
      chown.add(path.toString());
    }
    Commands.Result result = Commands.run(chown, QUICK);
    if (!result.ok()) {
      throw new LocalServicesException("cannot give " + paths[0] + " to the '" + NAME + "' user: "
          + result.reason() + "; choose another data folder or set LINLI_DATABASE_URL");
    }
  }

  /** Fails early, with a clear line, when postgres still cannot write {@code dir}. */
  static void checkCanWrite(Path dir) {
    if (!jvmIsRoot()) {
      return;
    }
    List<String> test = new ArrayList<>(prefix());
    test.addAll(List.of("test", "-w", dir.toString()));
    if (!Commands.run(test, QUICK).ok()) {
      throw new LocalServicesException("the '" + NAME + "' user cannot write " + dir
          + ": choose a data folder it can reach or set LINLI_DATABASE_URL");
    }
  }

  private static void makeTraversable(Path dir) {
    Path path = dir.toAbsolutePath().normalize();
    try {
      path = path.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path p = path; p != null; p = p.getParent()) {
      try {
        PosixFileAttributes attributes = Files.readAttributes(p, PosixFileAttributes.class);
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.contains(PosixFilePermission.OTHERS_EXECUTE) || NAME.equals(attributes.owner().getName())) {
          continue;
        }
        permissions.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(p, permissions);
        log.warn("Gave other users traverse permission (o+x) on {} so the '{}' user can reach the PostgreSQL data", p,
            NAME);
      } catch (IOException e) {
        throw new LocalServicesException("cannot let the '" + NAME + "' user reach " + dir + " (" + p + ": "
            + e.getMessage() + "); choose another data folder or set LINLI_DATABASE_URL");
      }
    }
  }
}
