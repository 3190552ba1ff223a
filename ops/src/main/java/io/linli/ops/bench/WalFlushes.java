package io.linli.ops.bench;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.Locale;

/**
 * How often PostgreSQL flushed its WAL to disk during a window, and how long a flush took (pg_stat_wal). Every commit
 * waits for its flush, and both (a)'s single writer and (b)'s row lock wait with it, so a disk whose flushes slow
 * down slows both whatever the code does: this tells a slow disk from slow code. The time is known only where
 * {@code track_wal_io_timing} is on, as in the benchmark's own PostgreSQL ({@link BenchServices}).
 */
final class WalFlushes {
  private static final String QUERY = "select wal_sync, wal_sync_time,"
      + " current_setting('track_wal_io_timing')::boolean from pg_stat_wal";

  /** The counters at one moment; {@code millis} is meaningful only when {@code timed}. */
  record Sample(long flushes, double millis, boolean timed) {}

  /** The flushes of one window; {@code millisEach} is null when they were not timed. */
  record Split(long flushes, double seconds, Double millisEach) {
    double perSecond() {
      return seconds <= 0 ? 0 : flushes / seconds;
    }

    @Override
    public String toString() {
      if (flushes == 0) {
        return "none (fsync off, or nothing committed)";
      }
      // While (c) runs, PostgreSQL flushes less than once a second: that must not print as "0 a second".
      String rate = String.format(Locale.ROOT, perSecond() < 10 ? "%.1f a second" : "%,.0f a second", perSecond());
      return millisEach == null ? rate + " (not timed: track_wal_io_timing is off)"
          : rate + String.format(Locale.ROOT, ", %.2f ms each", millisEach);
    }
  }

  private final Pool pool;

  WalFlushes(Pool pool) {
    this.pool = pool;
  }

  /** The counters now, or null if they cannot be read (a PostgreSQL before 14 has no pg_stat_wal). */
  Future<Sample> sample() {
    return pool.query(QUERY).execute()
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Sample(r.getLong(0), r.getDouble(1), r.getBoolean(2));
        })
        .otherwise((Sample) null);
  }

  /** The flushes between two samples taken {@code nanos} apart, or null if either is missing. */
  static Split between(Sample before, Sample after, long nanos) {
    if (before == null || after == null) {
      return null;
    }
    long flushes = Math.max(0, after.flushes() - before.flushes());
    Double each = before.timed() && after.timed() && flushes > 0 ? (after.millis() - before.millis()) / flushes : null;
    return new Split(flushes, nanos / 1e9, each);
  }
}
