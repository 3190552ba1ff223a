package io.linli.ops.bench.room;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latencies in 0.1 ms buckets up to 60 s (anything slower counts as 60 s): recorded from any thread without
 * locks, read once a phase is over. Millions of deliveries fit in 4.8 MB, not in a list of samples.
 */
final class Latency {
  private static final long BUCKET_NANOS = 100_000;
  private static final int BUCKETS = 600_000;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final LongAdder total = new LongAdder();

  void record(long nanos) {
    int bucket = (int) Math.min(BUCKETS - 1, Math.max(0, nanos / BUCKET_NANOS));
    counts.incrementAndGet(bucket);
    total.increment();
  }

  long count() {
    return total.sum();
  }

  /** The latency (ms) that {@code fraction} of the recorded ones do not exceed; NaN when none were recorded. */
  double percentileMs(double fraction) {
    long n = total.sum();
    if (n == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(fraction * n);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return (i + 1) * BUCKET_NANOS / 1e6;
      }
    }
    return BUCKETS * BUCKET_NANOS / 1e6;
  }
}
