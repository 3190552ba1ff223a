package io.linli.ops.bench;

import io.linli.core.config.LinliConfig;
import io.linli.core.db.DatabaseUrl;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The load generator's flags. Every run is bounded in time and in requests, and every target is on this machine
 * (127.0.0.1): this is a benchmark, not a load tool to point at someone else's server.
 */
record BenchOptions(
    int port,
    String redisUrl,
    String databaseUrl,
    String tokenSecret,
    Duration duration,
    Duration warmup,
    Duration settle,
    int connections,
    int luaLanes,
    Set<Character> systems,
    int perBuyerLimit,
    int threshold,
    double overDemand,
    long maxRequests,
    long seed,
    long nodePid,
    Path out) {

  static final String USAGE = """
      usage: java -cp linli.jar io.linli.ops.bench.JoinBench --port N --redis-url URL --database-url URL [options]
        --port N              the Linli node's HTTP port on 127.0.0.1 (started with -Dlinli.bench.rowLock=true)
        --redis-url URL       redis://127.0.0.1:P (default LINLI_REDIS_URL); the node's Redis
        --database-url URL    postgresql://u:p@127.0.0.1:P/db (default LINLI_DATABASE_URL); the node's database
        --duration S          measured seconds per system (default 30)
        --warmup S            warm-up seconds per system, on a deal of its own (default 30: the JIT needs it)
        --settle S            seconds the households go on tapping the warm-up deal after the measured deal is
                              opened, before its window starts (default 5: the opening's requests deoptimize code
                              the taps had compiled; see FINDINGS.md, section 18)
        --quick               --duration 5 --warmup 3 --settle 1
        --connections N       HTTP connections = households tapping at once for (a) and (b) (default 64)
        --lua-lanes N         scripts in flight for (c) (default 256)
        --systems abc         which systems to run (default abc)
        --per-buyer-limit N   units one household may hold (default 3)
        --threshold N         households that form the deal (default 10)
        --over-demand X       deal stock = X * units the warm-up rate would sell in --duration; < 1 sells
                              out inside the window, > 1 after it, in the over-demand tail (default 1.3)
        --max-requests N      hard cap on requests per run (default 5000000)
        --seed N              traffic mix seed (default 42)
        --node-pid PID        the node's process, to split CPU time by process
        --out FILE            also write the report there
      The token secret is LINLI_TOKEN_SECRET, as for the node.""";

  static BenchOptions parse(String[] args, Map<String, String> env) {
    Flags f = new Flags(args);
    boolean quick = f.has("--quick");
    BenchOptions o = new BenchOptions(
        f.integer("--port", 0, 1, 65535),
        f.text("--redis-url", env.get("LINLI_REDIS_URL")),
        f.text("--database-url", env.get("LINLI_DATABASE_URL")),
        env.getOrDefault("LINLI_TOKEN_SECRET", LinliConfig.DEV_TOKEN_SECRET),
        Duration.ofSeconds(f.integer("--duration", quick ? 5 : 30, 1, 600)),
        Duration.ofSeconds(f.integer("--warmup", quick ? 3 : 30, 1, 300)),
        Duration.ofSeconds(f.integer("--settle", quick ? 1 : 5, 0, 60)),
        f.integer("--connections", 64, 1, 1024),
        f.integer("--lua-lanes", 256, 1, 4096),
        systems(f.text("--systems", "abc")),
        f.integer("--per-buyer-limit", 3, 1, 100),
        f.integer("--threshold", 10, 1, 1_000_000),
        f.decimal("--over-demand", 1.3, 0.1, 5),
        f.integer("--max-requests", 5_000_000, 1, 50_000_000),
        f.integer("--seed", 42, 0, Integer.MAX_VALUE),
        f.integer("--node-pid", 0, 0, Integer.MAX_VALUE),
        f.has("--out") ? Path.of(f.text("--out", null)) : null);
    f.rejectUnknown();
    if (o.port == 0 || o.redisUrl == null || o.databaseUrl == null) {
      throw new IllegalArgumentException("--port, --redis-url and --database-url are required\n" + USAGE);
    }
    requireLoopback("--redis-url", URI.create(o.redisUrl).getHost());
    requireLoopback("--database-url", DatabaseUrl.parse(o.databaseUrl).host());
    return o;
  }

  boolean runs(char system) {
    return systems.contains(system);
  }

  private static Set<Character> systems(String text) {
    Set<Character> set = new LinkedHashSet<>();
    for (char c : text.toCharArray()) {
      if ("abc".indexOf(c) < 0) {
        throw new IllegalArgumentException("--systems takes letters of abc, got " + text);
      }
      set.add(c);
    }
    return set;
  }

  private static void requireLoopback(String flag, String host) {
    if (!List.of("127.0.0.1", "localhost", "[::1]", "::1").contains(String.valueOf(host))) {
      throw new IllegalArgumentException(flag + " must point at this machine (127.0.0.1), got " + host);
    }
  }

  /** A tiny flag reader: --name value pairs and bare switches; anything unknown is an error, not ignored. */
  private static final class Flags {
    private final List<String> args;
    private final List<String> seen = new ArrayList<>();

    Flags(String[] args) {
      this.args = List.of(args);
    }

    boolean has(String name) {
      seen.add(name);
      return args.contains(name);
    }

    String text(String name, String fallback) {
      seen.add(name);
      int i = args.indexOf(name);
      if (i < 0) {
        return fallback;
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
      }
      return args.get(i + 1);
    }

    int integer(String name, int fallback, int min, int max) {
      String raw = text(name, null);
      if (raw == null) {
        return fallback;
      }
      try {
        int v = Integer.parseInt(raw);
        if (v < min || v > max) {
          throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " takes a whole number, got " + raw);
      }
    }

    double decimal(String name, double fallback, double min, double max) {
      String raw = text(name, null);
      if (raw == null) {
        return fallback;
      }
      try {
        double v = Double.parseDouble(raw);
        if (v < min || v > max) {
          throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " takes a number, got " + raw);
      }
    }

    void rejectUnknown() {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (!seen.contains(a)) {
          throw new IllegalArgumentException("unknown argument " + a + "\n" + USAGE);
        }
        if (!a.equals("--quick")) {
          i++;
        }
      }
    }
  }
}
