package io.linli.ops.bench.room;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The run as one markdown table, then the targets, each with its verdict. */
final class RoomTable {
  private RoomTable() {}

  static String render(List<RoomRun.Result> results, RoomBenchOptions options) {
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>(List.of(""));
    results.forEach(r -> header.add(r.name() + (r.nodes() > 1 ? ", " + r.nodes() + " nodes" : "")));
    out.append(row(header)).append(row(header.stream().map(h -> "---").toList()));
    line(out, results, "sockets in the room", r -> String.format(Locale.ROOT, "%,d of %,d%s", r.admitted(),
        r.sockets(), r.nodes() > 1 ? " (" + String.format(Locale.ROOT, "%,d", r.sockets() / r.nodes()) + " a node)" : ""));
    line(out, results, "machine load average before the run", r -> f("%.2f", r.loadBefore()));
    line(out, results, "time to open them", r -> f("%.1f s", r.connectSeconds()));
    line(out, results, "heap per idle connection (after GC)", r -> kb(r.heapPerConnection()));
    line(out, results, "process RSS per idle connection (Linli: outside the pre-touched heap)",
        r -> kb(r.rssPerConnection()));
    line(out, results, "**memory per idle connection**", r -> f("**%s**", kb(r.memoryPerConnection())));
    line(out, results, "server heap / RSS with all connected", r -> f("%.0f MiB / %.0f MiB",
        r.idle().heap() / 1048576.0, r.idle().rss() / 1048576.0));
    line(out, results, "counter request answered, p50 / p99", r -> f("%.1f / %.1f ms", r.answeredP50(),
        r.answeredP99()));
    line(out, results, "counter update reaches a socket, p50 / p99", r -> f("%.1f / %.1f ms", r.updateP50(),
        r.updateP99()));
    line(out, results, "counter update reaches all sockets, p50 / p99", r -> f("%.1f / %.1f ms", r.allP50(),
        r.allP99()));
    line(out, results, "counter deliveries missed", r -> f("%,d of %,d", r.updatesMissing(),
        (long) r.admitted() * options.updates()));
    line(out, results, "chat offered", r -> f("%.0f lines/s for %d s = %,.0f deliveries/s asked", r.chatOffered(),
        options.chatSeconds(), r.chatOffered() * r.admitted()));
    line(out, results, "**chat lines delivered per second**", r -> f("**%,.0f**", r.deliveredPerSecond()));
    line(out, results, "share of chat lines delivered", r -> f("%.1f %%", 100 * r.deliveredShare()));
    line(out, results, "chat line reaches a socket, p50 / p99", r -> f("%.0f / %.0f ms", r.chatP50(), r.chatP99()));
    line(out, results, "chat frames per socket per second", r -> f("%.1f", r.chatFramesPerSocketSecond()));
    line(out, results, "server / load generator CPU while chatting", r -> f("%.2f / %.2f cores",
        r.chatCpuSeconds() / Math.max(1e-9, r.chatWindowSeconds()),
        r.generatorCpuSeconds() / Math.max(1e-9, r.chatWindowSeconds())));
    out.append('\n').append(targets(results));
    return out.toString();
  }

  private static String targets(List<RoomRun.Result> results) {
    RoomRun.Result one = find(results, "Linli", 1);
    RoomRun.Result sio = find(results, "socket.io", 1);
    RoomRun.Result two = find(results, "Linli", 2);
    StringBuilder out = new StringBuilder("Targets (issue 4):\n");
    if (one != null) {
      double heapMiB = one.idle().heap() / 1048576.0;
      double perConnKb = one.memoryPerConnection() / 1024;
      out.append(verdict(one.admitted() >= 10_000 && heapMiB <= 512,
          f("%,d sockets on one node with %.0f MiB heap (target: 10,000 with <= 512 MiB)", one.admitted(), heapMiB)));
      out.append(verdict(perConnKb <= 25, f("%.1f KB per idle connection, heap and off-heap (target <= 25 KB)",
          perConnKb)));
      out.append(verdict(one.updateP99() <= 250 && one.allP99() <= 250, f("counter update reaches every socket at "
          + "p99 %.0f ms per socket, %.0f ms for the last one (target <= 250 ms)", one.updateP99(), one.allP99())));
    }
    if (one != null && sio != null) {
      double ratio = one.deliveredPerSecond() / Math.max(1, sio.deliveredPerSecond());
      out.append(verdict(ratio >= 3 && one.chatP99() <= sio.chatP99(), f("%.1fx socket.io's chat lines delivered "
          + "per second, p99 %.0f ms against %.0f ms (target >= 3x at equal or better p99)", ratio, one.chatP99(),
          sio.chatP99())));
    }
    if (one != null && two != null) {
      double ratio = two.deliveredPerSecond() / Math.max(1, one.deliveredPerSecond());
      out.append(verdict(ratio > 1.5, f("2 nodes delivered %.1fx the chat lines of 1 node to twice the sockets "
          + "(fan-out grows with nodes)", ratio)));
    }
    return out.toString();
  }

  private static RoomRun.Result find(List<RoomRun.Result> results, String name, int nodes) {
    return results.stream().filter(r -> r.name().startsWith(name) && r.nodes() == nodes).findFirst().orElse(null);
  }

  private static String verdict(boolean met, String what) {
    return "- " + (met ? "MET" : "MISSED") + ": " + what + "\n";
  }

  private static void line(StringBuilder out, List<RoomRun.Result> results, String label,
      Function<RoomRun.Result, String> cell) {
    List<String> cells = new ArrayList<>(List.of(label));
    results.forEach(r -> cells.add(cell.apply(r)));
    out.append(row(cells));
  }

  private static String row(List<String> cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }

  private static String kb(double bytes) {
    return f("%.1f KB", bytes / 1024);
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
