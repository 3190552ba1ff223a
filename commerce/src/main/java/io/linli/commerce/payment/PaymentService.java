package io.linli.commerce.payment;

import io.linli.commerce.deal.DealOutcomes;
import io.linli.commerce.deal.LatePayments;
import io.linli.commerce.deal.PaidOrders;
import io.linli.commerce.order.OrderService;
import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Paying for an online order: the buyer starts a payment (the same Idempotency-Key gives the same payment), the
 * provider tells us the outcome in a signed notification. A notification is handled once whatever happens to
 * it on the way (duplicates, reordering). A payment for an order whose hold lapsed revives the order if the deal
 * still has room for it ({@link LatePayments}); any other payment for an order that no longer waits for one is
 * refunded, its refund claimed in the transaction that records the payment. The payment's row lock makes that one
 * revive or one refund, never both.
 */
public final class PaymentService {
  private enum Settled { NOTHING, FAILED, PAID, REVIVED, LATE }

  private final Platform platform;
  private final PaymentProvider provider;
  private final OrderService orders;
  private final PaidOrders paidOrders;
  private final RefundService refunds;
  private final LatePayments latePayments;

  public PaymentService(Platform platform, PaymentProvider provider, OrderService orders, PaidOrders paidOrders,
      RefundService refunds, LatePayments latePayments) {
    this.latePayments = latePayments;
    this.platform = platform;
    this.provider = provider;
    this.orders = orders;
    this.paidOrders = paidOrders;
    this.refunds = refunds;
  }

  public Future<JsonObject> start(Caller caller, long orderId, String idempotencyKey) {
    String key = idempotencyKey == null ? "default" : idempotencyKey;
    return orders.find(orderId).compose(order -> {
      if (order == null) {
        return Future.failedFuture(Problem.notFound("Order", Ids.toText(orderId)));
      }
      if (!caller.isViewer() || order.getLong("viewer_id") != caller.id()) {
        return Future.failedFuture(Problem.forbidden("Only the household that placed an order pays for it."));
      }
      return platform.pool()
          .preparedQuery("select * from payments where order_id = $1 and idempotency_key = $2")
          .execute(Tuple.of(orderId, key))
          .compose(rows -> rows.size() > 0 ? Future.succeededFuture(describe(rows.iterator().next()))
              : newPayment(order, key));
    });
  }

  private Future<JsonObject> newPayment(Row order, String key) {
    String status = order.getString("status");
    if (!"PENDING_PAYMENT".equals(status)) {
      return Future.failedFuture("CANCELLED".equals(status) || "REFUNDED".equals(status)
          ? Problem.gone("order-cancelled", "Order cancelled", "This order was cancelled; join again.")
          : Problem.conflict("not-payable", "Nothing to pay", "This order is " + status + "."));
    }
    long paymentId = Ids.next();
    long amount = order.getLong("amount_fen");
    return platform.pool()
        .preparedQuery("insert into payments(id, order_id, provider, status, amount_fen, idempotency_key)"
            + " values ($1, $2, $3, 'CREATED', $4, $5)")
        .execute(Tuple.of(paymentId, order.getLong("id"), provider.name(), amount, key))
        .compose(x -> provider.prepay(new PaymentProvider.PrepayRequest(paymentId, order.getLong("id"), amount,
            "Linli order " + Ids.toText(order.getLong("id")))))
        .compose(prepay -> platform.pool()
            .preparedQuery("update payments set provider_ref = $2, updated_at = now() where id = $1 returning *")
            .execute(Tuple.of(paymentId, prepay.providerRef()))
            .map(rows -> describe(rows.iterator().next())));
  }

  private JsonObject describe(Row payment) {
    return new JsonObject()
        .put("paymentId", Ids.toText(payment.getLong("id")))
        .put("orderId", Ids.toText(payment.getLong("order_id")))
        .put("provider", payment.getString("provider"))
        .put("status", payment.getString("status"))
        .put("amountFen", payment.getLong("amount_fen"))
        .put("payUrl", "/sandbox/pay/" + Ids.toText(payment.getLong("id")));
  }

  /** The provider's notification: verified, then settled once. */
  public Future<Void> notified(MultiMap headers, Buffer body) {
    PaymentProvider.Notification n;
    try {
      n = provider.verify(headers, body);
    } catch (Problem p) {
      return Future.failedFuture(p);
    }
    LatePayments.Attempt late = latePayments.attempt(n.paymentId());
    return platform.pool().withTransaction(tx -> tx
            .preparedQuery("select p.*, o.status as order_status, o.deal_id, o.viewer_id, o.quantity from payments p"
                + " join orders o on o.id = p.order_id where p.id = $1 for update of p, o")
            .execute(Tuple.of(n.paymentId()))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(Problem.notFound("Payment", Ids.toText(n.paymentId())));
              }
              Row p = rows.iterator().next();
              if (!"CREATED".equals(p.getString("status"))) {
                return Future.succeededFuture(new Outcome(Settled.NOTHING, p, null));
              }
              if (!n.succeeded()) {
                return tx.preparedQuery("update payments set status = 'FAILED', updated_at = now() where id = $1")
                    .execute(Tuple.of(n.paymentId())).map(new Outcome(Settled.FAILED, p, null));
              }
              if (n.amountFen() != p.getLong("amount_fen")) {
                return Future.failedFuture(Problem.validation("amountFen", "does not match the payment"));
              }
              boolean waiting = "PENDING_PAYMENT".equals(p.getString("order_status"));
              return tx.preparedQuery("update payments set status = 'SUCCEEDED', updated_at = now() where id = $1")
                  .execute(Tuple.of(n.paymentId()))
                  .compose(x -> tx.preparedQuery("insert into ledger_entries(order_id, kind, amount_fen, payment_id)"
                      + " values ($1, 'PAYMENT', $2, $3)")
                      .execute(Tuple.of(p.getLong("order_id"), n.amountFen(), n.paymentId())))
                  .compose(x -> waiting
                      ? tx.preparedQuery("update orders set status = 'PAID', hold_expires_at = null,"
                          + " updated_at = now() where id = $1").execute(Tuple.of(p.getLong("order_id")))
                          .map(new Outcome(Settled.PAID, p, null))
                      : late.revive(tx, p.getLong("order_id"), p.getString("order_status"), p.getLong("deal_id"),
                          p.getLong("viewer_id"), p.getInteger("quantity"))
                          // Not revived: its refund is claimed in the transaction that records the payment.
                          .compose(revived -> revived ? Future.succeededFuture(new Outcome(Settled.REVIVED, p, null))
                              : refunds.late(tx, n.paymentId()).map(r -> new Outcome(Settled.LATE, p, r))));
            }))
        // The record did not take the revive (the transaction failed): nor does Redis.
        .recover(e -> late.undo().transform(x -> Future.<Outcome>failedFuture(e)))
        .compose(outcome -> switch (outcome.settled()) {
          case PAID -> paidOrders.paid(outcome.row().getLong("deal_id"), outcome.row().getLong("viewer_id"),
              outcome.row().getInteger("quantity"), outcome.row().getLong("order_id"));
          case REVIVED -> late.committed();
          case LATE -> outcome.refunds().send();
          default -> Future.succeededFuture();
        });
  }

  private record Outcome(Settled settled, Row row, DealOutcomes.Refunds refunds) {}
}
