package io.linli.commerce.deal;

import io.linli.commerce.deal.JoinOutcome.Accepted;
import io.linli.commerce.deal.JoinOutcome.NoState;
import io.linli.commerce.order.OrderDeliveries;
import io.linli.commerce.order.OrderPickups;
import io.linli.commerce.order.OrderWriter;
import io.linli.core.Platform;
import io.linli.core.id.Ids;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * A payment that arrives after its order's hold lapsed revives the order when the deal can still take it:
 * the order was cancelled by the hold sweep (not withdrawn, not failed with its deal), the deal takes orders
 * (OPEN or FORMED, before its end; a paused deal takes none), and the stock, the household's limit and its
 * pickup point's daily capacity (or its delivery slot's) allow.
 * Redis reserves first (deal_revive.lua, counted as paid at once), then the record takes the units with the
 * order writer's own guards and the order is PAID again, inside the transaction that holds the payment's and
 * the order's row locks: one notification decides, whatever its duplicates do. Anything else is refunded by
 * the payment side.
 */
public final class LatePayments {
  /** The reason the hold sweep records when it cancels an order (order_events.reason). */
  public static final String LAPSED = "payment window lapsed";
  /** The reason recorded when a late payment makes a cancelled order PAID again. */
  public static final String REVIVED = "revived by a late payment";
  /** The in-flight member's key part; the reconciler tells a revive from a join by it. */
  private static final String MEMBER_KEY = "late-payment-";

  private final Platform platform;
  private final DealService deals;
  private final DealCounters counters;
  private final Counter revived;

  public LatePayments(Platform platform, DealService deals, DealCounters counters) {
    this.platform = platform;
    this.deals = deals;
    this.counters = counters;
    this.revived = Counter.builder("linli.orders.revived")
        .description("Cancelled orders made PAID again by a payment that arrived after their hold lapsed")
        .register(platform.metrics());
  }

  /** One late payment's attempt: tried inside the payment's transaction, then {@link Attempt#committed()} or undone. */
  public Attempt attempt(long paymentId) {
    return new Attempt(paymentId);
  }

  static boolean isRevival(String inflightMember) {
    String[] parts = inflightMember.split(":", 5);
    return parts.length == 5 && parts[4].startsWith(MEMBER_KEY);
  }

  public final class Attempt {
    private final long paymentId;
    private Deal deal;
    private Accepted reserved;

    private Attempt(long paymentId) {
      this.paymentId = paymentId;
    }

    /**
     * Inside the transaction that locked the payment and its order (status {@code orderStatus}): answers whether
     * the order is PAID again. When it answers false nothing moved, in Redis or in the record.
     */
    public Future<Boolean> revive(SqlConnection tx, long orderId, String orderStatus, long dealId, long viewerId,
        int quantity) {
      if (!"CANCELLED".equals(orderStatus)) {
        return Future.succeededFuture(false);
      }
      return lapsed(tx, orderId)
          .compose(lapsed -> !lapsed ? Future.succeededFuture(false) : deals.deal(dealId)
              .compose(d -> {
                deal = d;
                return reserve(orderId, viewerId, quantity, true);
              })
              .compose(ok -> !ok ? Future.succeededFuture(false) : record(tx, orderId, viewerId, quantity)));
    }

    /** The order's last cancellation was the hold sweep's, and no refund of it has been claimed. */
    private Future<Boolean> lapsed(SqlConnection tx, long orderId) {
      return tx.preparedQuery("select coalesce((select reason from order_events where order_id = $1"
              + " and to_status = 'CANCELLED' order by id desc limit 1) = $2, false)"
              + " and not exists (select 1 from refunds where order_id = $1 and status <> 'FAILED')")
          .execute(Tuple.of(orderId, LAPSED))
          .map(rows -> rows.iterator().next().getBoolean(0));
    }

    private Future<Boolean> reserve(long orderId, long viewerId, int quantity, boolean mayRebuild) {
      String member = Ids.toText(orderId) + ":" + Ids.toText(viewerId) + ":" + quantity + ":1:" + MEMBER_KEY
          + Ids.toText(paymentId);
      return counters.revive(deal.id(), viewerId, quantity, orderId, platform.clock().millis(), member)
          .compose(outcome -> {
            if (outcome instanceof Accepted a) {
              reserved = a;
              return Future.succeededFuture(true);
            }
            if (outcome instanceof NoState && mayRebuild) {
              // Rebuilt from the record, where this order is still cancelled: then reserve it on top.
              return deals.rebuild(deal).compose(x -> reserve(orderId, viewerId, quantity, false));
            }
            return Future.succeededFuture(false);
          });
    }

    /**
     * The record has the last word, with the order writer's guards: the deal row locked and still taking
     * orders, its sold units within stock, the household's units within the limit, and a place at its pickup
     * point if that point takes only so many bags a day, or in its delivery slot if that slot takes only so many
     * orders a day. A refusal rolls back to the savepoint (the payment itself stays recorded) and gives the Redis
     * reservation back.
     */
    private Future<Boolean> record(SqlConnection tx, long orderId, long viewerId, int quantity) {
      long dealId = deal.id();
      return tx.query("savepoint late_payment").execute()
          .compose(x -> tx.preparedQuery("select status, ends_at > $2 as before_end from deals where id = $1"
              + " for update").execute(Tuple.of(dealId, platform.clock().instant().atOffset(java.time.ZoneOffset.UTC))))
          .compose(rows -> {
            var d = rows.iterator().next();
            return DealStatus.valueOf(d.getString("status")).takesJoins() && d.getBoolean("before_end")
                ? tx.preparedQuery(OrderWriter.TAKE_STOCK).execute(Tuple.of(dealId, quantity))
                    .map(rs -> rs.rowCount() == 1)
                : Future.succeededFuture(false);
          })
          .compose(ok -> !ok ? Future.succeededFuture(false)
              : tx.preparedQuery(OrderWriter.OVER_LIMIT)
                  .execute(Tuple.of(new Long[] {dealId}, new Long[] {viewerId}, new Integer[] {quantity}))
                  .map(rs -> rs.size() == 0))
          // Its cancellation gave its place at a point with a daily capacity, or in a delivery slot with a capacity,
          // back: it needs one again.
          .compose(ok -> !ok ? Future.succeededFuture(false) : OrderPickups.bookAgain(tx, orderId))
          .compose(ok -> !ok ? Future.succeededFuture(false) : OrderDeliveries.bookAgain(tx, orderId))
          .compose(ok -> !ok ? Future.succeededFuture(false)
              : tx.preparedQuery("select set_config('linli.reason', $1, true)").execute(Tuple.of(REVIVED))
                  .compose(x -> tx.preparedQuery("update orders set status = 'PAID', hold_expires_at = null,"
                      + " updated_at = now() where id = $1 and status = 'CANCELLED'").execute(Tuple.of(orderId)))
                  .compose(rs -> tx.preparedQuery("select set_config('linli.reason', '', true)").execute()
                      .map(rs.rowCount() == 1)))
          .compose(ok -> ok ? Future.succeededFuture(true)
              : tx.query("rollback to savepoint late_payment").execute().compose(x -> undo()).map(false));
    }

    /** The order is PAID in the record: the reservation is done, the room hears the counts, a crossing forms. */
    public Future<Void> committed() {
      if (reserved == null) {
        return Future.succeededFuture();
      }
      revived.increment();
      Accepted a = reserved;
      deals.publishProgress(deal, a.counts());
      if (a.crossedThreshold()) {
        deals.formWhenRecorded(deal.id());
      } else if (a.counts().remaining() == 0 && a.counts().status() == DealStatus.FORMED) {
        deals.close(deal.id());
      }
      return counters.completed(deal.id(), a.inflight());
    }

    /** The record refused, or its transaction failed: the reservation goes back (once, whoever asks first). */
    public Future<Void> undo() {
      if (reserved == null) {
        return Future.succeededFuture();
      }
      Accepted a = reserved;
      reserved = null;
      return counters.release(deal.id(), a.inflight()).mapEmpty();
    }
  }
}
