package io.linli.ops.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.linli.core.auth.Tokens;
import io.linli.core.db.DatabaseUrl;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The join benchmark's load generator: {@code java -cp linli.jar io.linli.ops.bench.JoinBench --port N ...}
 * (ops/bench/join-bench.sh starts everything and runs it). For each system, (a) Linli's join, (b) the row-lock
 * baseline, (c) the bare script: a warm-up on a deal of its own, which also tells how fast the system sells,
 * then a deal whose stock the measured window should just about sell, the run, the over-demand tail, and the
 * invariants. Then one table.
 *
 * <p>A command-line program: its main thread awaits each step; the load itself runs on one event loop.
 */
public final class JoinBench {
  /** Warm-up deals must not sell out: the largest stock the API takes. */
  private static final int WARMUP_STOCK = 10_000_000;
  /**
   * Households minted before the warm-up, per warm-up second. Enough that the warm-up's households seldom come back
   * to their limit: with a fixed 50,000, a warm-up selling 8,000 joins/s had used up every household's limit after
   * 20 s, sold a few hundred joins/s at its end, and sized the measured deal's stock from that (FINDINGS.md, 18).
   */
  private static final int BUYERS_PER_WARMUP_SECOND = 10_000;
  private static final int FIRST_BUYERS_MIN = 50_000;

  private final BenchOptions options;

  JoinBench(BenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(new JoinBench(options).run());
  }

  /** The whole benchmark; the exit status: 0 once the report is out, whatever the targets say. */
  int run() {
    String machine = Machine.describe();
    // One event loop: the generator shares the cores with the server, and one loop is plenty for the client side.
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2)).build();
    RedisClient redisClient = RedisClient.create(options.redisUrl());
    try (StatefulRedisConnection<String, String> redis = redisClient.connect(StringCodec.UTF8)) {
      // The taps of (a) and (b): one kept-alive socket per tap in flight (a lane, or the twin of a double tap).
      TapClient taps = new TapClient(vertx, options.port());
      Pool pool = PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(4))
          .connectingTo(DatabaseUrl.parse(options.databaseUrl()).connectOptions()).using(vertx).build();
      Context context = vertx.getOrCreateContext();
      // The setup calls between runs: Vert.x's client, one connection per call (on the load's pool, the first call
      // after a run sometimes never got a connection while the run's idle connections were closing).
      SetupApi api = new SetupApi(vertx.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(false))
          .build(), options.port());
      Tokens tokens = new Tokens(vertx, options.tokenSecret(), Duration.ofHours(12), Duration.ofDays(1));

      Sale sale = Sale.open(api);
      RowLockSchema.create(pool).await();
      Buyers buyers = new Buyers(pool, tokens);
      int firstBuyers = (int) Math.max(FIRST_BUYERS_MIN, options.warmup().toSeconds() * BUYERS_PER_WARMUP_SECOND);
      log("minting %,d households", firstBuyers);
      buyers.ensure(firstBuyers).await();

      Report report = new Report(options, machine, services(pool, redis));
      CpuSampler cpu = new CpuSampler(options.nodePid());
      WalFlushes wal = new WalFlushes(pool);
      List<SystemUnderTest> systems = new ArrayList<>();
      if (options.runs('a')) {
        systems.add(new LinliSystem(api, taps, pool, sale, buyers, options));
      }
      if (options.runs('b')) {
        systems.add(new RowLockSystem(taps, pool, sale, buyers, options));
      }
      if (options.runs('c')) {
        systems.add(new LuaSystem(redis, context, api, sale, options));
      }
      for (SystemUnderTest system : systems) {
        report.add(measure(system, buyers, context, cpu, wal));
      }
      String text = report.render();
      System.out.println();
      System.out.println(text);
      if (options.out() != null) {
        Files.writeString(options.out(), text);
      }
      return 0;
    } catch (IOException | RuntimeException e) {
      System.err.println("join benchmark failed: " + e);
      e.printStackTrace();
      return 1;
    } finally {
      redisClient.shutdown();
      vertx.close().await();
    }
  }

  private SystemResult measure(SystemUnderTest system, Buyers buyers, Context context, CpuSampler cpu,
      WalFlushes wal) {
    char letter = system.label().charAt(1);
    log("%s: warm-up %d s", system.label(), options.warmup().toSeconds());
    SystemUnderTest.Deal warm = system.open(WARMUP_STOCK);
    RunStats warmup = taps(context, system, warm, options.seed(),
        settings(options.warmup(), false, Duration.ZERO, system, "w" + letter + "-"), cpu, wal);

    int stock = stockFor(warmup);
    buyers.ensure(Math.max(buyers.size(), system.buyersNeeded(stock))).await();
    log("%s: warm-up sold %,.0f joins/s; measuring %d s on a deal of %,d units", system.label(),
        warmup.joinsPerSecond(), options.duration().toSeconds(), stock);
    SystemUnderTest.Deal deal = system.open(stock);
    if (!options.settle().isZero()) {
      // The host opens the next deal while the room is still buying. Opening it (setup requests on other
      // connections, other JSON and SQL types) deoptimizes code that 30 s of taps alone had compiled, in the node and
      // here; the taps go on on the warm-up deal until that is compiled again (FINDINGS.md, section 18).
      log("%s: deal opened; %d s more on the warm-up deal", system.label(), options.settle().toSeconds());
      taps(context, system, warm, options.seed() + 1,
          settings(options.settle(), false, Duration.ZERO, system, "s" + letter + "-"), cpu, wal);
    }
    log("%s: measured window starts", system.label());
    Duration tailCap = Duration.ofSeconds(Math.max(5, options.duration().toSeconds() / 2));
    RunStats run = taps(context, system, deal, options.seed(),
        settings(options.duration(), true, tailCap, system, "m" + letter + "-"), cpu, wal);
    log("%s: %,.0f joins/s, %,.0f req/s; checking invariants", system.label(), run.joinsPerSecond(),
        run.requestsPerSecond());
    List<Check> checks = system.check(deal, run);
    checks.forEach(c -> log("  %s", c));
    return new SystemResult(system.label(), deal, warmup, run, checks);
  }

  /** One closed-loop run of the households' taps on a deal: the warm-up, the settle and the measured window. */
  private static RunStats taps(Context context, SystemUnderTest system, SystemUnderTest.Deal deal, long seed,
      LoadRun.Settings settings, CpuSampler cpu, WalFlushes wal) {
    return new LoadRun(context, system.label(), deal.target(), new TapPlan(system.buyers(seed), seed), settings, cpu,
        wal).start().await();
  }

  private LoadRun.Settings settings(Duration window, boolean untilSoldOut, Duration tail, SystemUnderTest system,
      String keyPrefix) {
    return new LoadRun.Settings(window, untilSoldOut, tail, system.lanes(), options.maxRequests(), keyPrefix,
        options.perBuyerLimit());
  }

  /**
   * Stock for the measured deal: the units the last 40% of the warm-up (past the cold start) sold per second,
   * times the window, times --over-demand. With the default 1.3 the stock lasts the whole window unless the system
   * runs 30% faster than it warmed up, and the over-demand tail then sells the rest out: the households keep
   * asking for more than there is.
   */
  private int stockFor(RunStats warmup) {
    long from = warmup.windowNanos * 6 / 10;
    double ordersPerSecond = warmup.ordersWithin(from, warmup.windowNanos) / ((warmup.windowNanos - from) / 1e9);
    long orders = Math.max(1, warmup.count(RunStats.Outcome.NEW_ORDER));
    double unitsPerOrder = (double) warmup.units / orders;
    double stock = ordersPerSecond * unitsPerOrder * options.duration().toSeconds() * options.overDemand();
    return (int) Math.max(100, Math.min(WARMUP_STOCK, Math.ceil(stock)));
  }

  private static String services(Pool pool, StatefulRedisConnection<String, String> redis) {
    Map<String, String> settings = new LinkedHashMap<>();
    pool.query("select version()").execute().await()
        .forEach(r -> settings.put("PostgreSQL", r.getString(0).replaceAll(" on .*", "")));
    for (String name : List.of("synchronous_commit", "fsync", "shared_buffers", "max_connections")) {
      pool.query("show " + name).execute().await().forEach(r -> settings.put(name, r.getString(0)));
    }
    String info = redis.sync().info("server");
    settings.put("Redis", info.lines().filter(l -> l.startsWith("redis_version:"))
        .map(l -> l.substring(14).trim()).findFirst().orElse("?"));
    settings.put("appendonly", String.join("", redis.sync().configGet("appendonly").values()));
    return Report.keyValues(settings);
  }

  private static void log(String format, Object... args) {
    System.out.printf("[join-bench] " + format + "%n", args);
  }
}
