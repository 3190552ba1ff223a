package io.linli.commerce.payment;

import io.linli.commerce.deal.DealOutcomes;
import io.linli.commerce.order.OrderRefunds;
import io.linli.commerce.payment.PaymentProvider.RefundAcceptance;
import io.linli.commerce.payment.PaymentProvider.RefundNotification;
import io.linli.commerce.payment.PaymentProvider.RefundOutcome;
import io.linli.commerce.payment.PaymentProvider.RefundStatus;
import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives money back, exactly once per payment and reason (once per claim): the refund row is claimed under a unique
 * key inside the transaction that cancels the order (fails the deal, lowers its price, approves the claim), then,
 * once that has committed, the provider is asked; should the node die in between, the sweep of any node finds the
 * claimed refund unsent and sends it. The provider accepts the refund and settles it later; only its
 * signed notification (or a query, when none came) says whether the money is back. SUCCESS writes the ledger's
 * REFUND row, once, under the refund's row lock, and a cancelled order paid back in full becomes REFUNDED;
 * ABNORMAL, CLOSED or a refusal mark the refund FAILED, leave the ledger alone and count in a metric, and staff
 * may try it again as a new refund, never for more than is left of the payment. Duplicate notifications find
 * their event id recorded; any notification for a refund no longer PENDING changes nothing.
 */
public final class RefundService implements DealOutcomes {
  private static final Logger LOG = LoggerFactory.getLogger(RefundService.class);
  /** How long an accepted refund waits for its notification before the sweep asks the provider. */
  static final Duration QUERY_AFTER = Duration.ofMinutes(1);
  /**
   * How long a claimed refund may stay unsent (its node asks the provider right after the commit) before the sweep
   * of any node sends it: that node died, or was slow, in which case the provider sees the same refund id twice
   * and answers both with the same refund.
   */
  static final Duration SEND_AFTER = Duration.ofSeconds(30);
  private static final int SWEEP_BATCH = 50;
  /** What is left to refund of a payment: refunds that failed gave nothing back, so they take nothing. */
  private static final String LEFT = "p.amount_fen - coalesce((select sum(r.amount_fen) from refunds r"
      + " where r.payment_id = p.id and r.status <> 'FAILED'), 0)";
  /**
   * One refund of each locked payment ($1, with a refund id each, $2) for the reason $3: of what is left of it, or
   * ($4) of what it paid above its order's amount; none where that is nothing, or where this reason already refunds
   * the payment. Each is due to be sent by $5 (the sweep sends it then if its node did not).
   */
  private static final String CLAIM = "with due as (select c.refund_id, p.id as payment_id, p.order_id,"
      + " p.provider_ref, p.amount_fen as payment_fen,"
      + " " + LEFT + " - case when $4 then o.amount_fen else 0 end as amount"
      + " from unnest($1::bigint[], $2::bigint[]) as c(payment_id, refund_id)"
      + " join payments p on p.id = c.payment_id join orders o on o.id = p.order_id),"
      + " claimed as (insert into refunds(id, order_id, payment_id, reason, amount_fen, status, query_after)"
      + "   select refund_id, order_id, payment_id, $3, amount, 'PENDING', $5 from due where amount > 0"
      + "   on conflict (payment_id, reason) where claim_id is null and status <> 'FAILED' do nothing"
      + "   returning id, payment_id, amount_fen)"
      + " select c.id, d.order_id, d.payment_id, d.provider_ref, d.payment_fen, c.amount_fen"
      + " from claimed c join due d on d.payment_id = c.payment_id";

  private final Platform platform;
  private final PaymentProvider provider;
  private final StoreService stores;
  private final Counter refunded;
  private final Counter sentBySweep;
  private volatile AfterCommit afterCommit = AfterCommit.AT_ONCE;

  public RefundService(Platform platform, PaymentProvider provider, StoreService stores) {
    this.platform = platform;
    this.provider = provider;
    this.stores = stores;
    this.refunded = Counter.builder("linli.refunds").description("Refunds the provider returned to the buyer")
        .register(platform.metrics());
    this.sentBySweep = Counter.builder("linli.refunds.sent.by.sweep")
        .description("Claimed refunds the sweep sent because the node that claimed them never did (it died)")
        .register(platform.metrics());
  }

  /** A refund row claimed in the record, to be asked of the provider once committed. */
  public record Claimed(long refundId, long orderId, long paymentId, String providerRef, long paymentFen,
      long amountFen, String reason) {
    /** A refunds row as the claim and the sweep read it back (id, order_id, payment_id, provider_ref, the two sums). */
    static Claimed from(Row r, String reason) {
      return new Claimed(r.getLong("id"), r.getLong("order_id"), r.getLong("payment_id"), r.getString("provider_ref"),
          r.getLong("payment_fen"), r.getLong("amount_fen"), reason);
    }

    PaymentProvider.RefundRequest request() {
      return new PaymentProvider.RefundRequest(refundId, paymentId, providerRef, paymentFen, amountFen, reason);
    }
  }

  // ---- the reasons money goes back: each claimed inside the transaction that changes the order ----

  @Override
  public Future<DealOutcomes.Refunds> failed(SqlConnection tx, long dealId) {
    return claimEach(tx, "o.deal_id = $1", Tuple.of(dealId), "DEAL_FAILED", false);
  }

  @Override
  public Future<DealOutcomes.Refunds> closed(SqlConnection tx, long dealId) {
    // The final tier lowered amount_fen; what was paid above it goes back.
    return claimEach(tx, "o.deal_id = $1", Tuple.of(dealId), "TIER_PRICE", true);
  }

  @Override
  public Future<DealOutcomes.Refunds> withdrawn(SqlConnection tx, long orderId) {
    return claimEach(tx, "o.id = $1", Tuple.of(orderId), "BUYER_LEFT", false);
  }

  /**
   * A payment that arrived for an order no longer waiting for it (the hold lapsed and it could not be revived, the
   * deal failed, the order was withdrawn or paid already): that payment, and only it, goes back.
   */
  public Future<DealOutcomes.Refunds> late(SqlConnection tx, long paymentId) {
    return claimEach(tx, "p.id = $1", Tuple.of(paymentId), "LATE_PAYMENT", false);
  }

  /**
   * Claims, inside the caller's transaction, a refund of each succeeded payment of the orders {@code where} selects:
   * of what is left of it (or, {@code onlyAboveAmount}, of what it paid above the order's amount). The payments are
   * locked first, in id order, and what is left is read by the next statement, which sees every refund committed
   * before the locks were granted: two reasons racing for one payment (a late payment and a failed deal) cannot
   * both take it all. The unique index makes a second claim of the same payment and reason a no-op. Each claimed
   * refund is PENDING and not yet sent ({@code accepted_at} null); the answer sends them once committed.
   */
  private Future<DealOutcomes.Refunds> claimEach(SqlConnection tx, String where, Tuple args, String reason,
      boolean onlyAboveAmount) {
    return tx.preparedQuery("select p.id from payments p join orders o on o.id = p.order_id"
            + " where p.status = 'SUCCEEDED' and " + where + " order by p.id for update of p")
        .execute(args)
        .compose(locked -> {
          if (locked.size() == 0) {
            return Future.succeededFuture(DealOutcomes.Refunds.NONE);
          }
          List<Long> payments = new ArrayList<>();
          List<Long> refundIds = new ArrayList<>();
          locked.forEach(r -> {
            payments.add(r.getLong("id"));
            refundIds.add(Ids.next());
          });
          return tx.preparedQuery(CLAIM)
              .execute(Tuple.of(payments.toArray(Long[]::new), refundIds.toArray(Long[]::new), reason,
                  onlyAboveAmount, sendAfter()))
              .map(rows -> {
                List<Claimed> claimed = new ArrayList<>();
                rows.forEach(r -> claimed.add(Claimed.from(r, reason)));
                return sendAfterCommit(claimed);
              });
        });
  }

  /** Refunds claimed in a transaction: once it has committed, each is asked of the provider (through the seam). */
  private DealOutcomes.Refunds sendAfterCommit(List<Claimed> claimed) {
    if (claimed.isEmpty()) {
      return DealOutcomes.Refunds.NONE;
    }
    return () -> {
      List<Future<Void>> each = new ArrayList<>();
      for (Claimed c : claimed) {
        each.add(afterCommit.send(c, () -> ask(c)));
      }
      return Future.join(each).<Void>mapEmpty().otherwiseEmpty();
    };
  }

  /** Sends one refund claimed in a committed transaction (the after-sales approval, a staff retry). */
  public Future<Void> sendAfterCommit(Claimed claimed) {
    return claimed == null ? Future.succeededFuture() : sendAfterCommit(List.of(claimed)).send();
  }

  /**
   * How a refund claimed in a committed transaction reaches the provider: at once, by the node that claimed it. A
   * test swaps it to play a node that dies (the call never happens) or stalls (it happens late) right after its
   * commit; either way the refund is PENDING and unsent in the record, and the sweep sends it.
   */
  public interface AfterCommit {
    Future<Void> send(Claimed refund, Supplier<Future<Void>> ask);

    AfterCommit AT_ONCE = (refund, ask) -> ask.get();
  }

  /** Test seam: see {@link AfterCommit}. */
  public void afterCommit(AfterCommit afterCommit) {
    this.afterCommit = afterCommit;
  }

  /**
   * Claims the refund of an approved after-sales claim inside the caller's transaction, so the claim's approval
   * and its refund commit together: from the order's succeeded payment with the most left, at most once per
   * claim. Answers null when the order has no payment with that much left (a pay-on-pickup order).
   */
  public Future<Claimed> claimForClaim(SqlConnection tx, long orderId, long claimId, long amountFen) {
    long refundId = Ids.next();
    // Locked first, read after: the read then sees every refund committed before the locks were granted.
    return tx.preparedQuery("select id from payments where order_id = $1 and status = 'SUCCEEDED' order by id"
            + " for update")
        .execute(Tuple.of(orderId))
        .compose(locked -> tx.preparedQuery("select p.id, p.provider_ref, p.amount_fen, " + LEFT + " as refundable"
                + " from payments p where p.order_id = $1 and p.status = 'SUCCEEDED' order by refundable desc limit 1")
            .execute(Tuple.of(orderId)))
        .compose(rows -> {
          Row p = rows.size() == 0 ? null : rows.iterator().next();
          if (p == null || p.getLong("refundable") < amountFen) {
            return Future.succeededFuture(null);
          }
          return tx.preparedQuery("insert into refunds(id, order_id, payment_id, reason, amount_fen, status, claim_id,"
                  + " query_after) values ($1, $2, $3, 'CLAIM', $4, 'PENDING', $5, $6) on conflict (claim_id)"
                  + " where claim_id is not null and status <> 'FAILED' do nothing returning id")
              .execute(Tuple.of(refundId, orderId, p.getLong("id"), amountFen, claimId, sendAfter()))
              .map(claimed -> claimed.size() == 0 ? null : new Claimed(refundId, orderId, p.getLong("id"),
                  p.getString("provider_ref"), p.getLong("amount_fen"), amountFen, "CLAIM"));
        });
  }

  // ---- asking the provider ----

  /**
   * Asks the provider for a claimed refund. Accepted, it waits for the outcome; refused, it is FAILED at once.
   * No answer at all leaves it PENDING for the sweep to find out (by a query, under the same refund id).
   */
  private Future<Void> ask(Claimed c) {
    return provider.refund(c.request())
        .compose(a -> a.accepted() ? accepted(c.refundId(), a) : settle(Settlement.refused(c, a.refusal())))
        .recover(e -> {
          LOG.warn("refund {} of order {} not answered; the sweep will ask the provider", Ids.toText(c.refundId()),
              Ids.toText(c.orderId()), e);
          return Future.succeededFuture();
        });
  }

  /**
   * Records that the provider has the refund (its refund id, and when): from now on the sweep queries it rather than
   * sending it, once its notification is overdue. The outcome may already have been notified (it can overtake this).
   */
  private Future<Void> accepted(long refundId, RefundAcceptance a) {
    return platform.pool().preparedQuery("update refunds set provider_refund_id = coalesce(provider_refund_id, $2),"
            + " accepted_at = coalesce(accepted_at, $3), query_after = greatest(query_after, $4) where id = $1")
        .execute(Tuple.of(refundId, a.providerRefundId(), now(), queryAfter()))
        .mapEmpty();
  }

  // ---- the outcome: notified, or found by a query ----

  /** The provider's signed refund notification: verified, then applied once. */
  public Future<Void> notified(MultiMap headers, Buffer body) {
    RefundNotification n;
    try {
      n = provider.verifyRefund(headers, body);
    } catch (Problem p) {
      return Future.failedFuture(p);
    }
    return settle(new Settlement(n.refundId(), n.outcome(), n.providerRefundId(), n.amountFen(), n.eventId(), null));
  }

  /** How a refund ended, from a notification (with its event id), a query, or the provider's refusal. */
  private record Settlement(long refundId, RefundOutcome outcome, String providerRefundId, long amountFen,
      String eventId, String refusal) {
    static Settlement refused(Claimed c, String why) {
      return new Settlement(c.refundId(), null, null, c.amountFen(), null, why == null ? "refused" : why);
    }

    String recorded() {
      return refusal != null ? "REFUSED" : outcome.name();
    }

    String failure() {
      return switch (recorded()) {
        case "ABNORMAL" -> "the provider could not return the money to the buyer's account (ABNORMAL)";
        case "CLOSED" -> "the provider closed the refund without returning the money (CLOSED)";
        case "REFUSED" -> "the provider refused the refund: " + refusal;
        default -> null;
      };
    }
  }

  /**
   * Applies an outcome under the refund's row lock: only a PENDING refund moves, so of a notification, its
   * duplicates and a query racing on another node, one settles it and the rest change nothing. A notification
   * for a refund not (yet) in the record is a 404: the provider notifies again, and by then it is.
   */
  private Future<Void> settle(Settlement s) {
    OffsetDateTime now = now();
    return platform.pool().withTransaction(tx -> tx
            .preparedQuery("select id, order_id, amount_fen, status, outcome from refunds where id = $1 for update")
            .execute(Tuple.of(s.refundId()))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(Problem.notFound("Refund", Ids.toText(s.refundId())));
              }
              Row r = rows.iterator().next();
              if (s.amountFen() != r.getLong("amount_fen")) {
                return Future.failedFuture(Problem.validation("amountFen", "does not match the refund"));
              }
              return firstHearing(tx, s).compose(first -> {
                if (!first) {
                  return Future.succeededFuture((String) null);
                }
                if (!"PENDING".equals(r.getString("status"))) {
                  if (!s.recorded().equals(r.getString("outcome"))) {
                    LOG.warn("refund {} was {} ({}) and is now said to be {}: left as it was",
                        Ids.toText(s.refundId()), r.getString("status"), r.getString("outcome"), s.recorded());
                  }
                  return Future.succeededFuture((String) null);
                }
                return s.outcome() == RefundOutcome.SUCCESS ? returned(tx, r, s, now)
                    : notReturned(tx, s, now);
              });
            }))
        .map(settled -> {
          if ("SUCCESS".equals(settled)) {
            refunded.increment();
          } else if (settled != null) {
            Counter.builder("linli.refunds.failed").description("Refunds that did not return the money")
                .tag("outcome", settled).register(platform.metrics()).increment();
            LOG.warn("refund {} failed: {}", Ids.toText(s.refundId()), s.failure());
          }
          return null;
        });
  }

  /** A notification's event is recorded once; a duplicate of it answers false. Queries and refusals have none. */
  private Future<Boolean> firstHearing(SqlConnection tx, Settlement s) {
    if (s.eventId() == null) {
      return Future.succeededFuture(true);
    }
    return tx.preparedQuery("insert into refund_notifications(event_id, refund_id, outcome) values ($1, $2, $3)"
            + " on conflict (event_id) do nothing returning event_id")
        .execute(Tuple.of(s.eventId(), s.refundId(), s.outcome().name()))
        .map(rows -> rows.size() == 1);
  }

  /** The money is back: the ledger says so, and a cancelled order paid back in full is REFUNDED. */
  private Future<String> returned(SqlConnection tx, Row r, Settlement s, OffsetDateTime now) {
    long orderId = r.getLong("order_id");
    return tx.preparedQuery("update refunds set status = 'SUCCEEDED', outcome = 'SUCCESS', settled_at = $3,"
            + " provider_refund_id = coalesce(provider_refund_id, $2) where id = $1")
        .execute(Tuple.of(s.refundId(), s.providerRefundId(), now))
        .compose(x -> tx.preparedQuery("insert into ledger_entries(order_id, kind, amount_fen, refund_id)"
            + " values ($1, 'REFUND', $2, $3)").execute(Tuple.of(orderId, -r.getLong("amount_fen"), s.refundId())))
        .compose(x -> tx.preparedQuery("select set_config('linli.reason', 'every fen refunded', true)").execute())
        .compose(x -> tx.preparedQuery("update orders set status = 'REFUNDED', updated_at = now()"
                + " where id = $1 and status = 'CANCELLED'"
                + " and (select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = $1) = 0")
            .execute(Tuple.of(orderId)))
        .map("SUCCESS");
  }

  /** The money did not come back: the refund is FAILED, the ledger unchanged, and it is for staff to act. */
  private Future<String> notReturned(SqlConnection tx, Settlement s, OffsetDateTime now) {
    return tx.preparedQuery("update refunds set status = 'FAILED', outcome = $2, failure = $3, settled_at = $4,"
            + " provider_refund_id = coalesce(provider_refund_id, $5) where id = $1")
        .execute(Tuple.of(s.refundId(), s.recorded(), s.failure(), now, s.providerRefundId()))
        .map(s.recorded());
  }

  // ---- the sweep ----

  /**
   * Finds refunds still PENDING well after they were claimed or asked for. Each node leases a batch by pushing its
   * next turn back (SKIP LOCKED, so two nodes never take the same rows), then, for each: one the provider never
   * acknowledged ({@code accepted_at} null: its node died right after the claim committed, or the request or its
   * answer was lost) is sent under its refund id; one the provider accepted, whose notification is overdue, is
   * queried: an outcome settles it as a notification would, and a refund the provider does not know is sent again
   * under the same refund id. The provider answers the same refund id with the same refund, so a refund is never
   * sent as a new one, however many nodes (or a slow original node) send it. Answers how many it took up.
   */
  public Future<Integer> sweep() {
    OffsetDateTime now = now();
    return platform.pool()
        .preparedQuery("update refunds r set queries = r.queries + 1,"
            + " query_after = $1 + make_interval(mins => least(power(2, r.queries), 60)::int)"
            + " from payments p where p.id = r.payment_id and r.id in (select id from refunds"
            + " where status = 'PENDING' and query_after <= $1 order by query_after limit " + SWEEP_BATCH
            + " for update skip locked)"
            + " returning r.id, r.order_id, r.payment_id, r.reason, r.amount_fen, p.provider_ref,"
            + " p.amount_fen as payment_fen, r.accepted_at is not null as accepted")
        .execute(Tuple.of(now))
        .compose(rows -> {
          List<Future<Void>> each = new ArrayList<>();
          for (Row r : rows) {
            Claimed c = Claimed.from(r, r.getString("reason"));
            each.add(r.getBoolean("accepted") ? query(c) : send(c));
          }
          return Future.join(each).map(rows.size());
        });
  }

  /** A claimed refund the provider never acknowledged: sent now, under its own refund id. */
  private Future<Void> send(Claimed c) {
    sentBySweep.increment();
    LOG.info("refund {} of order {} was claimed but never acknowledged by the provider: sending it",
        Ids.toText(c.refundId()), Ids.toText(c.orderId()));
    return ask(c);
  }

  private Future<Void> query(Claimed c) {
    return provider.queryRefund(c.request())
        .compose((RefundStatus status) -> {
          if (!status.known()) {
            return ask(c);
          }
          if (status.outcome() == null) {
            return accepted(c.refundId(), RefundAcceptance.accepted(status.providerRefundId()));
          }
          return settle(new Settlement(c.refundId(), status.outcome(), status.providerRefundId(),
              status.amountFen(), null, null));
        })
        .recover(e -> {
          LOG.warn("refund {} could not be queried; asked again later", Ids.toText(c.refundId()), e);
          return Future.succeededFuture();
        });
  }

  // ---- staff try again ----

  /**
   * A new attempt at a FAILED refund (staff of the order's store): same payment, reason and claim, at most what
   * is left of the payment. A refund that is not FAILED, or was tried again already, is a 409.
   */
  public Future<JsonObject> retry(Caller caller, long refundId) {
    long retryId = Ids.next();
    return platform.pool().preparedQuery("select o.store_id, st.timezone from refunds r"
            + " join orders o on o.id = r.order_id join stores st on st.id = o.store_id where r.id = $1")
        .execute(Tuple.of(refundId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(Problem.notFound("Refund", Ids.toText(refundId)))
            : stores.requireStaff(caller, rows.iterator().next().getLong("store_id"))
                .map(role -> ZoneId.of(rows.iterator().next().getString("timezone"))))
        .compose(zone -> platform.pool().withTransaction(tx -> tx
                // Locked first, read after: the read then sees every refund committed before the locks were granted.
                .preparedQuery("select 1 from refunds r join payments p on p.id = r.payment_id where r.id = $1"
                    + " for update of r, p")
                .execute(Tuple.of(refundId))
                .compose(locked -> tx.preparedQuery("select r.*, p.provider_ref, p.amount_fen as payment_fen, " + LEFT
                        + " as refundable, exists (select 1 from refunds n where n.retry_of = r.id) as retried"
                        + " from refunds r join payments p on p.id = r.payment_id where r.id = $1")
                    .execute(Tuple.of(refundId)))
                .compose(rows -> {
                  Row r = rows.iterator().next();
                  if (!"FAILED".equals(r.getString("status"))) {
                    return Future.failedFuture(Problem.conflict("refund-not-failed", "Nothing to retry",
                        "This refund is " + r.getString("status") + "; only a FAILED refund can be tried again."));
                  }
                  if (r.getBoolean("retried")) {
                    return Future.failedFuture(Problem.conflict("refund-retried", "Already tried again",
                        "This refund was tried again already; see its retry on the order."));
                  }
                  long amount = Math.min(r.getLong("amount_fen"), r.getLong("refundable"));
                  if (amount <= 0) {
                    return Future.failedFuture(Problem.conflict("nothing-to-refund", "Nothing left to refund",
                        "Everything paid with this payment is refunded or being refunded."));
                  }
                  return tx.preparedQuery("insert into refunds(id, order_id, payment_id, reason, amount_fen, status,"
                          + " claim_id, retry_of, query_after) values ($1, $2, $3, $4, $5, 'PENDING', $6, $7, $8)"
                          + " on conflict do nothing returning id")
                      .execute(Tuple.from(new Object[] {retryId, r.getLong("order_id"), r.getLong("payment_id"),
                          r.getString("reason"), amount, r.getLong("claim_id"), refundId, sendAfter()}))
                      .compose(inserted -> inserted.size() == 0
                          ? Future.failedFuture(Problem.conflict("refund-in-progress", "A refund is under way",
                              "Another refund of this payment for the same reason is under way."))
                          : Future.succeededFuture(new Claimed(retryId, r.getLong("order_id"), r.getLong("payment_id"),
                              r.getString("provider_ref"), r.getLong("payment_fen"), amount, r.getString("reason"))));
                }))
            .compose(this::sendAfterCommit)
            .compose(x -> platform.pool().preparedQuery("select " + OrderRefunds.COLUMNS + " from refunds r"
                + " where r.id = $1").execute(Tuple.of(retryId)))
            .map(rows -> OrderRefunds.toJson(rows.iterator().next(), zone)));
  }

  private OffsetDateTime now() {
    return platform.clock().instant().atOffset(ZoneOffset.UTC);
  }

  private OffsetDateTime queryAfter() {
    return now().plus(QUERY_AFTER);
  }

  private OffsetDateTime sendAfter() {
    return now().plus(SEND_AFTER);
  }
}
