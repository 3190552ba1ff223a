package io.linli.commerce.deal;

import io.linli.commerce.order.OrderService;
import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * A household changes its mind before the group forms: its order is cancelled and its units go back on sale.
 * The record decides first (the deal row is locked, so a formation cannot slip in between), then Redis and
 * the room follow. Once the deal has formed, the order stands.
 */
public final class LeaveService {
  private final Platform platform;
  private final DealService deals;
  private final DealCounters counters;
  private final OrderService orders;
  private final DealOutcomes outcomes;

  public LeaveService(Platform platform, DealService deals, DealCounters counters, OrderService orders,
      DealOutcomes outcomes) {
    this.outcomes = outcomes;
    this.platform = platform;
    this.deals = deals;
    this.counters = counters;
    this.orders = orders;
  }

  public Future<JsonObject> leave(Caller caller, long orderId) {
    return orders.find(orderId).compose(order -> {
      if (order == null) {
        return Future.failedFuture(Problem.notFound("Order", Ids.toText(orderId)));
      }
      if (!caller.isViewer() || order.getLong("viewer_id") != caller.id()) {
        return Future.failedFuture(Problem.forbidden("Only the household that placed an order may withdraw it."));
      }
      String status = order.getString("status");
      if ("CANCELLED".equals(status) || "REFUNDED".equals(status)) {
        return Future.succeededFuture(OrderService.toJson(order));
      }
      boolean counted = !"PENDING_PAYMENT".equals(status);
      return cancelInRecord(order)
          // Only the call that cancelled it gives the units back: a retried withdrawal moves nothing.
          .compose(refunds -> refunds == null ? Future.succeededFuture()
              : counters.leave(order.getLong("deal_id"), caller.id(), order.getInteger("quantity"), counted)
                  .compose(x -> announce(order.getLong("deal_id")))
                  .compose(x -> refunds.send()))
          .compose(x -> orders.find(orderId))
          .map(OrderService::toJson);
    });
  }

  /**
   * Cancels the order and claims the refund of what it paid, in one transaction. Answers the refunds to send, or
   * null when this call did not cancel it.
   */
  private Future<DealOutcomes.Refunds> cancelInRecord(Row order) {
    long dealId = order.getLong("deal_id");
    int quantity = order.getInteger("quantity");
    return platform.pool().withTransaction(tx -> tx
        .preparedQuery("select status from deals where id = $1 for update")
        .execute(Tuple.of(dealId))
        .compose(rows -> "OPEN".equals(rows.iterator().next().getString("status"))
            ? tx.preparedQuery("update orders set status = 'CANCELLED', updated_at = now() where id = $1"
                + " and status = $2").execute(Tuple.of(order.getLong("id"), order.getString("status")))
            : Future.failedFuture(Problem.conflict("deal-formed", "The group has formed",
                "The group has formed (or the deal ended); the order can no longer be withdrawn.")))
        .compose(updated -> updated.rowCount() == 0 ? Future.<DealOutcomes.Refunds>succeededFuture(null)
            : tx.preparedQuery("update deals set sold_units = sold_units - $2 where id = $1")
                .execute(Tuple.of(dealId, quantity))
                // What it paid is claimed with the cancellation, so no crash can leave it cancelled and unpaid back.
                .compose(x -> outcomes.withdrawn(tx, order.getLong("id")))));
  }

  private Future<Void> announce(long dealId) {
    return deals.deal(dealId).compose(deals::tellCounts);
  }
}
