package io.linli.ops.bench;

import java.util.Arrays;

/** One invariant, checked after a run against the record (PostgreSQL) and Redis. */
record Check(String name, boolean pass, String detail) {

  @Override
  public String toString() {
    return (pass ? "PASS" : "FAIL") + "  " + name + ": " + detail;
  }

  /** The orders the clients were told about (201, first answer per key) against the orders on record. */
  static Check answeredEqualsRecorded(RunStats stats, long[] recorded) {
    long[] answered = stats.orderIds();
    boolean same = Arrays.equals(answered, recorded);
    String detail = answered.length + " new orders answered 201, " + recorded.length + " orders recorded"
        + (same ? ", same ids" : ", ids differ") + "; " + stats.count(RunStats.Outcome.REPLAYED)
        + " replays answered the first order";
    return new Check("201s = orders", same, detail);
  }
}
