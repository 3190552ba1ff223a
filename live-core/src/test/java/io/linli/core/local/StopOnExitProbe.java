package io.linli.core.local;

import io.linli.core.local.LocalServices.Mode;
import java.nio.file.Path;

/**
 * Run in its own JVM by {@link LocalServicesTest}: starts the services, hands them a close that takes a second,
 * exits, and prints whether both still answered while that close ran.
 */
public final class StopOnExitProbe {
  private StopOnExitProbe() {}

  public static void main(String[] args) throws InterruptedException {
    LocalServices services = LocalServices.start(Path.of(args[0]), Mode.THROWAWAY);
    int redisPort = services.redis().port();
    int postgresPort = services.postgres().port();
    services.stopOnExitAfter(() -> {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      System.out.println("while the node closed: Redis up " + FreePort.accepts(redisPort) + ", PostgreSQL up "
          + FreePort.accepts(postgresPort));
    });
    System.out.println("ports " + redisPort + " " + postgresPort);
    System.exit(0);
  }
}
