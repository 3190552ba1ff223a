package io.linli.commerce.deal;

import io.vertx.core.Future;

/**
 * What must follow when money was taken and the deal turns out otherwise: the payment side implements it
 * (refunds), the deal side calls it after the record changed, exactly once per change.
 */
public interface DealOutcomes {
  /** The deal failed: every paid order is refunded in full. */
  Future<Void> failed(long dealId);

  /** The deal closed: paid orders whose price the final tier lowered get the difference back. */
  Future<Void> closed(long dealId);

  /** A household withdrew a paid order before the group formed: it is refunded. */
  Future<Void> withdrawn(long orderId);

  DealOutcomes NONE = new DealOutcomes() {
    @Override
    public Future<Void> failed(long dealId) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> closed(long dealId) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> withdrawn(long orderId) {
      return Future.succeededFuture();
    }
  };
}
