package io.linli.commerce.deal;

import io.linli.commerce.deal.JoinOutcome.Accepted;
import io.linli.commerce.deal.JoinOutcome.NoState;
import io.vertx.core.Future;

/**
 * An online order was paid (the record already says PAID): it now counts towards the group, the room hears
 * the new counts, and if this payment took the group over its threshold, the formation is recorded once.
 */
public final class PaidOrders {
  private final DealService deals;
  private final DealCounters counters;

  public PaidOrders(DealService deals, DealCounters counters) {
    this.deals = deals;
    this.counters = counters;
  }

  public Future<Void> paid(long dealId, long viewerId, int quantity, long orderId) {
    return deals.deal(dealId).compose(deal -> counters.commit(dealId, viewerId, quantity, orderId)
        .compose(outcome -> {
          if (outcome instanceof NoState) {
            // Redis lost the deal: the rebuild reads the paid order from the record, so it counts already.
            return deals.rebuild(deal).mapEmpty();
          }
          Accepted a = (Accepted) outcome;
          deals.publishProgress(deal, a.counts());
          if (a.crossedThreshold()) {
            deals.formWhenRecorded(dealId);
          }
          return Future.<Void>succeededFuture();
        }));
  }
}
