package io.linli.ops.bench;

import io.linli.ops.bench.Buyers.Buyer;
import io.vertx.core.Future;

/** One way of making a join: Linli over HTTP, the row-lock baseline over HTTP, or the bare script on Redis. */
interface JoinTarget {

  /** What came back, already sorted into the outcomes the benchmark counts. */
  record Answer(Kind kind, long orderId, String detail) {
    enum Kind { ORDER, IN_PROGRESS, SOLD_OUT, LIMIT, CLOSED, ERROR }

    static Answer order(long orderId) {
      return new Answer(Kind.ORDER, orderId, null);
    }

    static Answer of(Kind kind) {
      return new Answer(kind, 0, null);
    }

    static Answer error(String detail) {
      return new Answer(Kind.ERROR, 0, detail);
    }
  }

  /** Completes on the caller's Vert.x context; never fails (a failure is an ERROR answer). */
  Future<Answer> join(Buyer buyer, String idempotencyKey, int quantity);
}
