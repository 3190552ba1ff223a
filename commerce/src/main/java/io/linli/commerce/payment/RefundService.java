package io.linli.commerce.payment;

import io.linli.commerce.deal.DealOutcomes;
import io.linli.core.Platform;
import io.linli.core.id.Ids;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives money back, exactly once per payment and reason: the refund row is claimed first under a unique key
 * (payment, reason), then the provider is asked, then the ledger records it. Two nodes failing the same deal
 * at once, or a retried notification, cannot refund twice. A refund the provider has not confirmed stays
 * PENDING and is asked again by {@link #retryPending()}.
 */
public final class RefundService implements DealOutcomes {
  private static final Logger LOG = LoggerFactory.getLogger(RefundService.class);
  /** What is left to refund on each succeeded payment of the orders selected by the WHERE that follows. */
  private static final String REFUNDABLE = "select p.id as payment_id, p.order_id, p.provider_ref, o.amount_fen,"
      + " p.amount_fen - coalesce((select sum(r.amount_fen) from refunds r where r.payment_id = p.id"
      + " and r.status <> 'FAILED'), 0) as refundable from payments p join orders o on o.id = p.order_id"
      + " where p.status = 'SUCCEEDED' and ";

  private final Platform platform;
  private final PaymentProvider provider;
  private final Counter refunded;

  public RefundService(Platform platform, PaymentProvider provider) {
    this.platform = platform;
    this.provider = provider;
    this.refunded = Counter.builder("linli.refunds").description("Refunds confirmed by the provider")
        .register(platform.metrics());
  }

  @Override
  public Future<Void> failed(long dealId) {
    return refundEach(REFUNDABLE + "o.deal_id = $1", Tuple.of(dealId), "DEAL_FAILED", false);
  }

  @Override
  public Future<Void> closed(long dealId) {
    // The final tier lowered amount_fen; what was paid above it goes back.
    return refundEach(REFUNDABLE + "o.deal_id = $1", Tuple.of(dealId), "TIER_PRICE", true);
  }

  @Override
  public Future<Void> withdrawn(long orderId) {
    return refundEach(REFUNDABLE + "o.id = $1", Tuple.of(orderId), "BUYER_LEFT", false);
  }

  /** A payment that arrived for an order no longer waiting for it (the hold lapsed, the deal failed). */
  public Future<Void> late(long orderId) {
    return refundEach(REFUNDABLE + "o.id = $1", Tuple.of(orderId), "LATE_PAYMENT", false);
  }

  private Future<Void> refundEach(String sql, Tuple args, String reason, boolean onlyAboveAmount) {
    return platform.pool().preparedQuery(sql).execute(args).compose(rows -> {
      List<Future<Void>> each = new ArrayList<>();
      for (Row r : rows) {
        long amount = onlyAboveAmount ? r.getLong("refundable") - r.getLong("amount_fen") : r.getLong("refundable");
        if (amount > 0) {
          each.add(refund(r.getLong("order_id"), r.getLong("payment_id"), r.getString("provider_ref"), reason,
              amount));
        }
      }
      return Future.join(each).mapEmpty();
    });
  }

  /**
   * Claims a refund of at most {@code amountFen}: under the payment's row lock, never more than what is left of
   * it, so two reasons racing for the same payment (a late payment and a failed deal) cannot both take it all.
   */
  private Future<Void> refund(long orderId, long paymentId, String providerRef, String reason, long amountFen) {
    long refundId = Ids.next();
    return platform.pool().withTransaction(tx -> tx
            .preparedQuery("select p.amount_fen - coalesce((select sum(r.amount_fen) from refunds r"
                + " where r.payment_id = p.id and r.status <> 'FAILED'), 0) as refundable"
                + " from payments p where p.id = $1 for update")
            .execute(Tuple.of(paymentId))
            .compose(rows -> {
              long amount = Math.min(amountFen, rows.iterator().next().getLong("refundable"));
              return amount <= 0 ? Future.succeededFuture(0L) : tx
                  .preparedQuery("insert into refunds(id, order_id, payment_id, reason, amount_fen, status)"
                      + " values ($1, $2, $3, $4, $5, 'PENDING') on conflict (payment_id, reason) where claim_id is null"
                      + " do nothing returning amount_fen")
                  .execute(Tuple.of(refundId, orderId, paymentId, reason, amount))
                  .map(claimed -> claimed.size() == 0 ? 0L : amount);
            }))
        .compose(claimed -> claimed == 0 ? Future.succeededFuture()
            : ask(refundId, orderId, paymentId, providerRef, reason, claimed));
  }

  private Future<Void> ask(long refundId, long orderId, long paymentId, String providerRef, String reason,
      long amountFen) {
    return provider.refund(new PaymentProvider.RefundRequest(refundId, paymentId, providerRef, amountFen, reason))
        .recover(e -> {
          LOG.warn("refund {} of order {} not confirmed yet", Ids.toText(refundId), Ids.toText(orderId), e);
          return Future.succeededFuture(false);
        })
        .compose(done -> done ? confirmed(refundId, orderId, amountFen) : Future.succeededFuture());
  }

  /** The provider returned the money: the ledger says so, and a cancelled order paid back in full is REFUNDED. */
  private Future<Void> confirmed(long refundId, long orderId, long amountFen) {
    return platform.pool().withTransaction(tx -> tx
            .preparedQuery("update refunds set status = 'SUCCEEDED' where id = $1 and status = 'PENDING'")
            .execute(Tuple.of(refundId))
            .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture()
                : tx.preparedQuery("insert into ledger_entries(order_id, kind, amount_fen, refund_id)"
                        + " values ($1, 'REFUND', $2, $3)").execute(Tuple.of(orderId, -amountFen, refundId))
                    .compose(x -> tx.preparedQuery("update orders set status = 'REFUNDED', updated_at = now()"
                        + " where id = $1 and status = 'CANCELLED'"
                        + " and (select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = $1) = 0")
                        .execute(Tuple.of(orderId)))
                    .map(x -> {
                      refunded.increment();
                      return null;
                    })))
        .mapEmpty();
  }

  /** A refund claimed for an approved after-sales claim, to be asked of the provider once committed. */
  public record ClaimRefund(long refundId, long orderId, long paymentId, String providerRef, long amountFen) {}

  /**
   * Claims the refund of an approved after-sales claim inside the caller's transaction, so the claim's approval
   * and its refund commit together: from the order's succeeded payment with the most left, at most once per
   * claim. Answers null when the order has no payment with that much left (a pay-on-pickup order).
   */
  public Future<ClaimRefund> claimForClaim(SqlConnection tx, long orderId, long claimId, long amountFen) {
    long refundId = Ids.next();
    return tx.preparedQuery("select p.id, p.provider_ref, p.amount_fen - coalesce((select sum(r.amount_fen)"
            + " from refunds r where r.payment_id = p.id and r.status <> 'FAILED'), 0) as refundable"
            + " from payments p where p.order_id = $1 and p.status = 'SUCCEEDED' order by refundable desc limit 1"
            + " for update")
        .execute(Tuple.of(orderId))
        .compose(rows -> {
          Row p = rows.size() == 0 ? null : rows.iterator().next();
          if (p == null || p.getLong("refundable") < amountFen) {
            return Future.succeededFuture(null);
          }
          return tx.preparedQuery("insert into refunds(id, order_id, payment_id, reason, amount_fen, status, claim_id)"
                  + " values ($1, $2, $3, 'CLAIM', $4, 'PENDING', $5) on conflict (claim_id) where claim_id is not null"
                  + " do nothing returning id")
              .execute(Tuple.of(refundId, orderId, p.getLong("id"), amountFen, claimId))
              .map(claimed -> claimed.size() == 0 ? null
                  : new ClaimRefund(refundId, orderId, p.getLong("id"), p.getString("provider_ref"), amountFen));
        });
  }

  /** Asks the provider for a refund claimed by {@link #claimForClaim}; unconfirmed, it is retried later. */
  public Future<Void> ask(ClaimRefund r) {
    return ask(r.refundId(), r.orderId(), r.paymentId(), r.providerRef(), "CLAIM", r.amountFen());
  }

  /** Asks the provider again for refunds it has not confirmed (it was down, or answered late). */
  public Future<Integer> retryPending() {
    return platform.pool()
        .preparedQuery("select r.id, r.order_id, r.payment_id, r.reason, r.amount_fen, p.provider_ref from refunds r"
            + " join payments p on p.id = r.payment_id where r.status = 'PENDING'"
            + " and r.created_at < now() - interval '30 seconds' limit 100")
        .execute()
        .compose(rows -> {
          List<Future<Void>> each = new ArrayList<>();
          rows.forEach(r -> each.add(ask(r.getLong("id"), r.getLong("order_id"), r.getLong("payment_id"),
              r.getString("provider_ref"), r.getString("reason"), r.getLong("amount_fen"))));
          return Future.join(each).map(rows.size());
        });
  }
}
