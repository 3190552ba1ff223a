package io.linli.ops.bench;

import io.linli.ops.bench.JoinTarget.Answer;
import io.linli.ops.bench.RunStats.Outcome;
import io.linli.ops.bench.TapPlan.Session;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;

/**
 * A closed loop: {@code lanes} households at a time, each running its session (one or more taps, see
 * {@link TapPlan}) and, when it ends, the next household taking its place. Everything runs on one event loop of
 * the load generator, so the generator takes as little of the shared CPU as it can.
 *
 * <p>The run measures for {@code window}. With {@code untilSoldOut} it then keeps the same pressure on (the
 * over-demand tail) until the deal has refused taps as sold out for a second, at most {@code tailCap}.
 * Closed-loop latencies leave out the time a request would have waited to be sent (coordinated omission); the
 * report says so.
 */
final class LoadRun {
  record Settings(Duration window, boolean untilSoldOut, Duration tailCap, int lanes, long maxRequests,
      String keyPrefix, int perBuyerLimit) {}

  private static final long AFTER_SOLD_OUT_NANOS = 1_000_000_000L;

  private final Context context;
  private final JoinTarget target;
  private final TapPlan plan;
  private final Settings settings;
  private final RunStats stats;
  private final CpuSampler cpu;
  private final WalFlushes wal;
  private final Promise<RunStats> done = Promise.promise();
  /** The window's WAL flushes, once its end has been sampled (null before). */
  private Future<WalFlushes.Split> windowWal;
  private long startedAt;
  private int activeLanes;

  LoadRun(Context context, String system, JoinTarget target, TapPlan plan, Settings settings, CpuSampler cpu,
      WalFlushes wal) {
    this.context = context;
    this.target = target;
    this.plan = plan;
    this.settings = settings;
    this.cpu = cpu;
    this.wal = wal;
    this.stats = new RunStats(system, settings.window().toNanos(),
        settings.window().plus(settings.tailCap()).toNanos());
  }

  /** Starts the lanes on the generator's event loop; completes when the last session has ended. */
  Future<RunStats> start() {
    context.runOnContext(v -> {
      CpuSampler.Sample before = cpu.available() ? cpu.sample() : null;
      Future<WalFlushes.Sample> walBefore = wal.sample();
      startedAt = System.nanoTime();
      context.owner().setTimer(settings.window().toMillis(), t -> {
        stats.cpu = cpu.between(before, cpu.sample());
        Future<WalFlushes.Sample> walAfter = wal.sample();
        long nanos = elapsed();
        windowWal = Future.all(walBefore, walAfter)
            .map(x -> WalFlushes.between(walBefore.result(), walAfter.result(), nanos));
      });
      activeLanes = settings.lanes();
      for (int i = 0; i < settings.lanes(); i++) {
        lane();
      }
    });
    return done.future();
  }

  private void lane() {
    if (stopping()) {
      if (--activeLanes == 0) {
        stats.endedAtNanos = elapsed();
        // A run cut short by --max-requests can end before its window's timer has fired: then it has no WAL split.
        Future<WalFlushes.Split> flushes = windowWal != null ? windowWal : Future.succeededFuture();
        flushes.onComplete(f -> {
          stats.wal = f.result();
          done.complete(stats);
        });
      }
      return;
    }
    // Through the event loop's queue, so a session that ends at once cannot grow the stack.
    session(plan.next()).onComplete(x -> context.runOnContext(v -> lane()));
  }

  private boolean stopping() {
    long now = elapsed();
    if (stats.requests >= settings.maxRequests() || now >= stats.windowNanos + settings.tailCap().toNanos()) {
      return true;
    }
    if (now < stats.windowNanos) {
      return false;
    }
    return !settings.untilSoldOut() || (stats.soldOut() && now >= stats.soldOutAtNanos + AFTER_SOLD_OUT_NANOS);
  }

  private Future<?> session(Session s) {
    String key = settings.keyPrefix() + s.number();
    return switch (s.behaviour()) {
      case ONCE -> tap(s, key, s.quantity(), new KeyAnswers());
      case RETRY -> {
        KeyAnswers answers = new KeyAnswers();
        yield tap(s, key, s.quantity(), answers).compose(a -> tap(s, key, s.quantity(), answers));
      }
      case DOUBLE -> {
        KeyAnswers answers = new KeyAnswers();
        yield Future.join(tap(s, key, s.quantity(), answers), tap(s, key, s.quantity(), answers));
      }
      case GREEDY -> greedy(s, 0);
    };
  }

  /** New keys, one unit each, until the deal says no; at most one tap past the limit. */
  private Future<?> greedy(Session s, int tap) {
    if (tap > settings.perBuyerLimit() || stopping()) {
      return Future.succeededFuture();
    }
    return tap(s, settings.keyPrefix() + s.number() + "-" + tap, 1, new KeyAnswers())
        .compose(a -> a.kind() == Answer.Kind.ORDER ? greedy(s, tap + 1) : Future.succeededFuture());
  }

  private Future<Answer> tap(Session s, String key, int quantity, KeyAnswers answers) {
    long start = elapsed();
    return target.join(s.buyer(), key, quantity).map(a -> {
      stats.record(start, elapsed(), answers.outcome(a), quantity, a.orderId(), a.detail());
      return a;
    });
  }

  private long elapsed() {
    return System.nanoTime() - startedAt;
  }

  /** The orders answered for one Idempotency-Key: the first is a new order, the same again a replay. */
  private final class KeyAnswers {
    private long orderId;

    Outcome outcome(Answer a) {
      return switch (a.kind()) {
        case ORDER -> {
          if (orderId == 0) {
            orderId = a.orderId();
            yield Outcome.NEW_ORDER;
          }
          if (orderId == a.orderId()) {
            yield Outcome.REPLAYED;
          }
          // A second order for the same key: the invariant the benchmark exists to catch. It is an order too.
          stats.idempotencyViolations++;
          yield Outcome.NEW_ORDER;
        }
        case IN_PROGRESS -> Outcome.IN_PROGRESS;
        case SOLD_OUT -> Outcome.SOLD_OUT;
        case LIMIT -> Outcome.LIMIT;
        case CLOSED -> Outcome.CLOSED;
        case ERROR -> Outcome.ERROR;
      };
    }
  }
}
