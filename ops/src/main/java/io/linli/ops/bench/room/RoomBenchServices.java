package io.linli.ops.bench.room;

import io.linli.core.local.LocalServices;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts a throwaway Redis and PostgreSQL for the room benchmark, writes their URLs and free ports for two nodes
 * and the socket.io server to a file the script sources, and keeps them up until this process is stopped
 * (SIGTERM or Ctrl-C: LocalServices' shutdown hooks stop both).
 *
 * <p>{@code java -cp linli.jar io.linli.ops.bench.room.RoomBenchServices DATA_DIR ENV_FILE}
 */
public final class RoomBenchServices {
  private RoomBenchServices() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: RoomBenchServices DATA_DIR ENV_FILE");
      System.exit(2);
    }
    LocalServices services = LocalServices.start(Path.of(args[0]), LocalServices.Mode.THROWAWAY);
    Path env = Path.of(args[1]);
    Path partial = env.resolveSibling(env.getFileName() + ".partial");
    Files.writeString(partial, "LINLI_REDIS_URL='" + services.redisUrl() + "'\n"
        + "LINLI_DATABASE_URL='" + services.databaseUrl() + "'\n"
        + "BENCH_PORT_A=" + freePort() + "\n"
        + "BENCH_PORT_B=" + freePort() + "\n"
        + "BENCH_PORT_SIO=" + freePort() + "\n");
    // Renamed into place, so the script never reads half a file.
    Files.move(partial, env);
    Thread.currentThread().join();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
