package io.linli.commerce.deal;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * What must follow when money was taken and the deal turns out otherwise: the payment side implements it
 * (refunds), the deal side calls it inside the transaction that changes the record, so the refund is claimed
 * (a PENDING row) in the same commit as the cancellation or the price change: a node that dies right after the
 * commit leaves a claimed refund that any node's refund sweep sends, never a paid order that nobody refunds.
 */
public interface DealOutcomes {
  /** The deal failed (inside the failing transaction): every paid order's refund in full is claimed. */
  Future<Refunds> failed(SqlConnection tx, long dealId);

  /** The deal closed (inside the closing transaction): what the final tier took off each paid order is claimed. */
  Future<Refunds> closed(SqlConnection tx, long dealId);

  /** A household withdrew its order (inside the withdrawing transaction): what it paid is claimed. */
  Future<Refunds> withdrawn(SqlConnection tx, long orderId);

  /** Refunds claimed in a transaction, to be asked of the provider once that transaction has committed. */
  interface Refunds {
    /** Asks the provider; never fails (an unanswered request stays PENDING for the sweep). */
    Future<Void> send();

    Refunds NONE = Future::succeededFuture;
  }

  DealOutcomes NONE = new DealOutcomes() {
    @Override
    public Future<Refunds> failed(SqlConnection tx, long dealId) {
      return Future.succeededFuture(Refunds.NONE);
    }

    @Override
    public Future<Refunds> closed(SqlConnection tx, long dealId) {
      return Future.succeededFuture(Refunds.NONE);
    }

    @Override
    public Future<Refunds> withdrawn(SqlConnection tx, long orderId) {
      return Future.succeededFuture(Refunds.NONE);
    }
  };
}
