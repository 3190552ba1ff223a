package io.linli.ops.bench.room;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The room benchmark of issue 4 (run it with {@code ops/bench/room-bench.sh}): the same crowd of real WebSockets
 * against one Linli node, a socket.io 4 server, and two Linli nodes, measuring memory per idle connection, how
 * fast a counter update reaches every socket, and how many chat lines reach sockets per second; then one table.
 */
public final class RoomBench {
  private RoomBench() {}

  /** This process's open-files limit, as the kernel enforces it. */
  private static int openFilesLimit() throws java.io.IOException {
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        return Integer.parseInt(line.substring("Max open files".length()).trim().split("\\s+")[0]);
      }
    }
    return 1024;
  }

  public static void main(String[] args) throws Exception {
    RoomBenchOptions options = RoomBenchOptions.parse(args);
    // Two event loops: the generator shares the machine's two cores with the servers it measures.
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    int status = 0;
    try {
      Http http = new Http(vertx);
      ViewerPool viewers = new ViewerPool(http, options.portA());
      List<RoomTarget> targets = new ArrayList<>();
      targets.add(new LinliTarget("Linli", vertx, List.of(options.portA()), options.pidsA(), viewers));
      if (options.portSio() > 0) {
        targets.add(new SocketIoTarget(http, options.portSio(), options.pidSio()));
      }
      if (options.portB() > 0) {
        List<Long> pids = new ArrayList<>(options.pidsA());
        pids.addAll(options.pidsB());
        targets.add(new LinliTarget("Linli", vertx, List.of(options.portA(), options.portB()), pids, viewers));
      }
      RoomRun run = new RoomRun(vertx, options);
      List<RoomRun.Result> results = new ArrayList<>();
      // The generator holds one descriptor per socket; keep a margin for its own files and HTTP connections.
      int fits = openFilesLimit() - 1000;
      for (RoomTarget target : targets) {
        int wanted = options.sockets() * target.ports().size();
        int sockets = Math.min(wanted, fits - fits % target.ports().size());
        if (sockets < wanted) {
          System.out.println("[room-bench] " + target.name() + ": " + sockets + " sockets rather than " + wanted
              + ": the generator may hold " + (fits + 1000) + " open files (ulimit -n)");
        }
        run.warmUp(target);
        results.add(run.run(target, sockets));
      }
      System.out.println();
      System.out.println(RoomTable.render(results, options));
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    } finally {
      vertx.close().await();
    }
    System.exit(status);
  }
}
