package io.linli.ops.bench;

import io.linli.ops.bench.RunStats.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The one table the benchmark prints (markdown), then per-system details and the targets. */
final class Report {
  private static final double TARGET_JOINS = 5_000;
  private static final double TARGET_P99_MS = 50;
  private static final double TARGET_VS_ROW_LOCK = 5;
  private static final double TARGET_VS_SCRIPT = 0.25;

  private final BenchOptions options;
  private final String machine;
  private final String services;
  private final List<SystemResult> results = new ArrayList<>();

  Report(BenchOptions options, String machine, String services) {
    this.options = options;
    this.machine = machine;
    this.services = services;
  }

  void add(SystemResult result) {
    results.add(result);
  }

  String render() {
    StringBuilder out = new StringBuilder();
    out.append("## Join benchmark\n\n");
    out.append("Machine: ").append(machine).append("\n\n");
    out.append("Services: ").append(services).append("\n\n");
    out.append(String.format(Locale.ROOT, "Each system: %d s warm-up on a deal of its own, then %d s measured on"
            + " one hot deal (stock = %.1f x what the warm-up rate sells in the window; opened while the warm-up"
            + " deal's taps went on for %d s more), then the over-demand tail until sold out. %d HTTP connections for"
            + " (a) and (b), %d scripts in flight for (c); closed loop. Per-buyer limit %d.%n%n",
        options.warmup().toSeconds(), options.duration().toSeconds(), options.overDemand(),
        options.settle().toSeconds(), options.connections(), options.luaLanes(), options.perBuyerLimit()));
    out.append("| system | joins/s | req/s | p50 ms | p99 ms | p999 ms | invariants |\n");
    out.append("|---|---:|---:|---:|---:|---:|---|\n");
    for (SystemResult r : results) {
      out.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f | %.2f | %.2f | %s |%n", r.label(),
          r.run().joinsPerSecond(), r.run().requestsPerSecond(), RunStats.millis(r.run().all, 50),
          r.p99(), RunStats.millis(r.run().all, 99.9), r.invariants()));
    }
    out.append("\njoins/s: new orders per second while the deal had stock; req/s: every answered tap (new orders,"
        + " replays, refusals) per second of the window; latencies: every request finished inside the window.\n");
    for (SystemResult r : results) {
      details(out, r);
    }
    targets(out);
    return out.toString();
  }

  private void details(StringBuilder out, SystemResult r) {
    RunStats s = r.run();
    out.append("\n### ").append(r.label()).append("\n\n");
    out.append(String.format(Locale.ROOT, "- deal %s, stock %,d; warm-up %,.0f joins/s%n", r.deal().idText(),
        r.deal().stock(), r.warmup().joinsPerSecond()));
    out.append(String.format(Locale.ROOT, "- %s; selling span %.1f s; slowest whole second %,.0f joins/s%n",
        s.soldOut() ? String.format(Locale.ROOT, "sold out at %.1f s", s.soldOutAtNanos / 1e9) : "not sold out",
        s.sellingNanos() / 1e9, s.slowestSecond()));
    out.append("- new orders per second, warm-up: ").append(Arrays.toString(r.warmup().ordersPerSecond()))
        .append("; run: ").append(Arrays.toString(s.ordersPerSecond())).append('\n');
    out.append(String.format(Locale.ROOT, "- new orders only: p50 %.2f ms, p99 %.2f ms, p999 %.2f ms, max %.2f ms%n",
        RunStats.millis(s.orders, 50), RunStats.millis(s.orders, 99), RunStats.millis(s.orders, 99.9),
        s.orders.getMaxValue() / 1000.0));
    StringBuilder outcomes = new StringBuilder();
    for (Outcome o : Outcome.values()) {
      outcomes.append(outcomes.length() == 0 ? "" : ", ").append(o.name().toLowerCase(Locale.ROOT)).append(' ')
          .append(String.format(Locale.ROOT, "%,d", s.count(o)));
    }
    out.append("- outcomes (whole run, ").append(String.format(Locale.ROOT, "%,d", s.requests))
        .append(" requests, ").append(String.format(Locale.ROOT, "%,d", s.units)).append(" units): ")
        .append(outcomes).append('\n');
    if (!s.errors.isEmpty()) {
      out.append("- errors: ").append(s.errors).append('\n');
    }
    if (s.cpu != null) {
      out.append("- CPU during the window (share of all cores): ").append(s.cpu).append('\n');
      out.append(String.format(Locale.ROOT, "- CPU per request in the window: node %.0f us, PostgreSQL %.0f us,"
              + " Redis %.0f us, load generator %.0f us%n", s.cpu.microsPerRequest("node", s.requestsInWindow),
          s.cpu.microsPerRequest("postgres", s.requestsInWindow), s.cpu.microsPerRequest("redis", s.requestsInWindow),
          s.cpu.microsPerRequest("generator", s.requestsInWindow)));
      out.append(String.format(Locale.ROOT, "- minor page faults per request in the window: node %.2f, PostgreSQL %.2f,"
              + " Redis %.2f, load generator %.2f%n", s.cpu.faultsPerRequest("node", s.requestsInWindow),
          s.cpu.faultsPerRequest("postgres", s.requestsInWindow), s.cpu.faultsPerRequest("redis", s.requestsInWindow),
          s.cpu.faultsPerRequest("generator", s.requestsInWindow)));
    }
    if (s.wal != null) {
      out.append("- PostgreSQL's WAL flushes in the window: ").append(s.wal).append('\n');
    }
    for (Check c : r.checks()) {
      out.append("- ").append(c).append('\n');
    }
  }

  private void targets(StringBuilder out) {
    SystemResult a = find('a');
    SystemResult b = find('b');
    SystemResult c = find('c');
    if (a == null) {
      return;
    }
    out.append("\n### Targets (issue 3)\n\n");
    double joins = a.run().joinsPerSecond();
    boolean first = joins >= TARGET_JOINS && a.p99() <= TARGET_P99_MS && a.invariantsHeld();
    out.append(String.format(Locale.ROOT, "- (a) >= %,.0f joins/s for %d s at p99 <= %.0f ms, invariants held:"
            + " %,.0f joins/s, p99 %.2f ms, invariants %s -> %s%s%n", TARGET_JOINS, options.duration().toSeconds(),
        TARGET_P99_MS, joins, a.p99(), a.invariantsHeld() ? "held" : "BROKEN", verdict(first),
        first ? "" : missedBy(joins, TARGET_JOINS, a.p99(), TARGET_P99_MS)));
    if (a.run().soldOut() && a.run().soldOutAtNanos < a.run().windowNanos) {
      out.append(String.format(Locale.ROOT, "  (the deal sold out at %.1f s, inside the window: the rate is over"
          + " the selling span)%n", a.run().soldOutAtNanos / 1e9));
    }
    if (b != null) {
      double ratio = joins / b.run().joinsPerSecond();
      boolean ok = ratio >= TARGET_VS_ROW_LOCK && a.p99() <= b.p99();
      out.append(String.format(Locale.ROOT, "- (a) >= %.0fx (b) at equal or better p99: %.2fx, p99 %.2f vs %.2f ms"
          + " -> %s%n", TARGET_VS_ROW_LOCK, ratio, a.p99(), b.p99(), verdict(ok)));
    }
    if (c != null) {
      double share = joins / c.run().joinsPerSecond();
      out.append(String.format(Locale.ROOT, "- (a) >= %.0f%% of (c): %.1f%% -> %s%n", TARGET_VS_SCRIPT * 100,
          share * 100, verdict(share >= TARGET_VS_SCRIPT)));
    }
  }

  private static String verdict(boolean ok) {
    return ok ? "MET" : "MISSED";
  }

  private static String missedBy(double joins, double targetJoins, double p99, double targetP99) {
    List<String> by = new ArrayList<>();
    if (joins < targetJoins) {
      by.add(String.format(Locale.ROOT, "%.1f%% short on throughput", 100 * (1 - joins / targetJoins)));
    }
    if (p99 > targetP99) {
      by.add(String.format(Locale.ROOT, "p99 %.1f ms over", p99 - targetP99));
    }
    return by.isEmpty() ? "" : " (" + String.join(", ", by) + ")";
  }

  private SystemResult find(char system) {
    String prefix = "(" + system + ")";
    return results.stream().filter(r -> r.label().startsWith(prefix)).findFirst().orElse(null);
  }

  static String keyValues(Map<String, String> values) {
    StringBuilder s = new StringBuilder();
    values.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    return s.toString();
  }
}
