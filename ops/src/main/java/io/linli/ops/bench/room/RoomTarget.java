package io.linli.ops.bench.room;

import io.vertx.core.Future;
import java.util.List;

/** A room server under test: where its sockets go, how to move its counter, how much memory it holds. */
interface RoomTarget {
  /** Heap (after a full GC) and resident memory of the server's processes, in bytes. */
  record Memory(long heap, long rss) {
    Memory minus(Memory other) {
      return new Memory(heap - other.heap, rss - other.rss);
    }
  }

  String name();

  RoomWire wire();

  /** The ports of its nodes; sockets are spread over them in turn. */
  List<Integer> ports();

  /** Makes the room (a stream with a deal, for Linli) and whatever the sockets need (viewer tokens). */
  void setUp(int sockets, int updates) throws Exception;

  String streamId();

  String token(int socket);

  /**
   * Moves the counter to {@code n} (n = 1, 2, ...): sends the request and returns; the future completes when it
   * is answered (Linli: the join committed; socket.io: the emit queued to every socket).
   */
  Future<Void> update(int n);

  Memory memory() throws Exception;

  /** The server's processes (for CPU time). */
  List<Long> pids();

  /** CPU seconds (user + system) the processes have used so far. */
  static double cpuSeconds(List<Long> pids) throws java.io.IOException {
    double total = 0;
    for (long pid : pids) {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name (which may contain spaces) start after the last ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime in clock ticks
    }
    return total;
  }

  /** Sums VmRSS of the processes. */
  static long rss(List<Long> pids) throws java.io.IOException {
    long total = 0;
    for (long pid : pids) {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          total += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    }
    return total;
  }
}
