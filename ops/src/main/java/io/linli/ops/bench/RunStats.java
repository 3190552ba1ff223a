package io.linli.ops.bench;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one run saw, written only from the load generator's single event loop (so nothing here is locked).
 * Latencies are kept for requests that finished inside the measured window; outcome counts cover the whole run,
 * including the over-demand tail after the window.
 */
final class RunStats {
  enum Outcome { NEW_ORDER, REPLAYED, IN_PROGRESS, SOLD_OUT, LIMIT, CLOSED, ERROR }

  private static final long BUCKET_NANOS = 10_000_000L;
  private static final long MAX_MICROS = 60_000_000L;

  final String system;
  final long windowNanos;
  final Histogram all = new Histogram(MAX_MICROS, 3);
  final Histogram orders = new Histogram(MAX_MICROS, 3);
  final Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
  final Map<String, Long> errors = new TreeMap<>();
  /** Two different orders answered for one (household, Idempotency-Key): must stay 0. */
  long idempotencyViolations;
  long requests;
  long requestsInWindow;
  long units;
  long soldOutAtNanos = -1;
  long lastOrderAtNanos = -1;
  long endedAtNanos;
  CpuSampler.Split cpu;
  WalFlushes.Split wal;
  private long[] orderIds = new long[1 << 16];
  private int orderCount;
  private final int[] newOrdersPerBucket;

  RunStats(String system, long windowNanos, long maxRunNanos) {
    this.system = system;
    this.windowNanos = windowNanos;
    this.newOrdersPerBucket = new int[(int) (maxRunNanos / BUCKET_NANOS) + 2];
  }

  void record(long startNanos, long endNanos, Outcome outcome, int quantity, long orderId, String error) {
    requests++;
    outcomes.merge(outcome, 1L, Long::sum);
    if (endNanos <= windowNanos) {
      requestsInWindow++;
      long micros = Math.min(MAX_MICROS, Math.max(1, (endNanos - startNanos) / 1_000));
      all.recordValue(micros);
      if (outcome == Outcome.NEW_ORDER) {
        orders.recordValue(micros);
      }
    }
    switch (outcome) {
      case NEW_ORDER -> {
        units += quantity;
        lastOrderAtNanos = Math.max(lastOrderAtNanos, endNanos);
        newOrdersPerBucket[(int) Math.min(newOrdersPerBucket.length - 1, endNanos / BUCKET_NANOS)]++;
        if (orderCount == orderIds.length) {
          orderIds = Arrays.copyOf(orderIds, orderCount * 2);
        }
        orderIds[orderCount++] = orderId;
      }
      case SOLD_OUT, CLOSED -> {
        if (soldOutAtNanos < 0) {
          soldOutAtNanos = endNanos;
        }
      }
      case ERROR -> errors.merge(error, 1L, Long::sum);
      default -> { }
    }
  }

  long count(Outcome outcome) {
    return outcomes.getOrDefault(outcome, 0L);
  }

  /** Order ids the clients were given (each once), sorted. */
  long[] orderIds() {
    long[] ids = Arrays.copyOf(orderIds, orderCount);
    Arrays.sort(ids);
    return ids;
  }

  boolean soldOut() {
    return soldOutAtNanos >= 0;
  }

  /**
   * The part of the window in which there was stock to sell: the whole window, or up to the last order if the
   * deal sold out inside it. Join rates are over this span, so a sell-out does not dilute them.
   */
  long sellingNanos() {
    long end = soldOut() ? Math.min(windowNanos, Math.max(lastOrderAtNanos, BUCKET_NANOS)) : windowNanos;
    return Math.max(BUCKET_NANOS, end);
  }

  long ordersWithin(long fromNanos, long toNanos) {
    long n = 0;
    for (int b = (int) (fromNanos / BUCKET_NANOS); b < toNanos / BUCKET_NANOS && b < newOrdersPerBucket.length; b++) {
      n += newOrdersPerBucket[b];
    }
    return n;
  }

  double joinsPerSecond() {
    return ordersWithin(0, sellingNanos()) / (sellingNanos() / 1e9);
  }

  double requestsPerSecond() {
    return requestsInWindow / (windowNanos / 1e9);
  }

  /** The slowest whole second of selling (the first second, a ramp, left out when there are more). */
  double slowestSecond() {
    int seconds = (int) (sellingNanos() / 1_000_000_000L);
    if (seconds < 1) {
      return joinsPerSecond();
    }
    long min = Long.MAX_VALUE;
    for (int s = seconds > 1 ? 1 : 0; s < seconds; s++) {
      min = Math.min(min, ordersWithin(s * 1_000_000_000L, (s + 1) * 1_000_000_000L));
    }
    return min;
  }

  /** New orders in each whole second of the run, window and tail: the shape of the sale. */
  long[] ordersPerSecond() {
    int seconds = (int) Math.max(1, Math.min(endedAtNanos, (long) (newOrdersPerBucket.length - 1) * BUCKET_NANOS)
        / 1_000_000_000L);
    long[] perSecond = new long[seconds];
    for (int s = 0; s < seconds; s++) {
      perSecond[s] = ordersWithin(s * 1_000_000_000L, (s + 1) * 1_000_000_000L);
    }
    return perSecond;
  }

  static double millis(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
