package io.linli.commerce.deal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.linli.commerce.order.PaymentMode;
import io.linli.core.auth.Caller;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A payment that arrives after its order's hold lapsed: the order comes back (PAID, counted, stock taken again)
 * when the deal can still take it, and otherwise the money goes back, once, whatever the notifications do.
 */
class LatePaymentTest extends DealTestBase {

  @AfterEach
  void everyLedgerSumsToWhatWasPaidLessRefunds() {
    List<Row> wrong = new ArrayList<>();
    f.platform.pool().query("select o.id from orders o where coalesce((select sum(amount_fen) from ledger_entries l"
        + " where l.order_id = o.id), 0) <> coalesce((select sum(amount_fen) from payments p where p.order_id = o.id"
        + " and p.status = 'SUCCEEDED'), 0) - coalesce((select sum(amount_fen) from refunds r where r.order_id = o.id"
        + " and r.status = 'SUCCEEDED'), 0)").execute().await().forEach(wrong::add);
    assertThat(wrong).as("orders whose ledger does not add up").isEmpty();
  }

  private DealFixture.Shop onlineShop() {
    DealFixture.Shop shop = shop();
    f.paymentSettings.update(shop.owner(), shop.storeId(), PaymentMode.ONLINE, 15).await();
    return shop;
  }

  private long deal(DealFixture.Shop shop, int threshold, int stock, int limit) {
    return f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, threshold, CountBy.BUYERS, stock, limit,
        null, null, f.now().plusHours(2), List.of()));
  }

  /** Plays the provider, to the node {@code node}: a signed notification that the payment succeeded. */
  private static Future<Void> paid(DealFixture node, JsonObject payment) {
    String body = new JsonObject().put("eventId", UUID.randomUUID().toString())
        .put("paymentId", payment.getString("paymentId")).put("outcome", "SUCCESS")
        .put("amountFen", payment.getLong("amountFen")).put("providerRef", "sbx").encode();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .addAll(node.provider.signedHeaders(body, "n-" + UUID.randomUUID()));
    return node.payments.notified(headers, Buffer.buffer(body)).compose(x -> node.refundNotices());
  }

  /** A household that joined, started paying, and let the payment window lapse. */
  private record Lapsed(Caller buyer, long orderId, JsonObject payment) {}

  private static Lapsed joinAndLetLapse(long dealId, String name, int quantity) {
    Caller buyer = f.viewer(name);
    long orderId = orderId(f.join(buyer, dealId, quantity));
    JsonObject payment = f.payments.start(buyer, orderId, null).await();
    f.clock.advance(Duration.ofMinutes(16));
    f.holds.runOnce().await();
    assertThat(orderStatus(orderId)).isEqualTo("CANCELLED");
    return new Lapsed(buyer, orderId, payment);
  }

  private static long orderId(JsonObject joined) {
    return Ids.parse(joined.getJsonObject("order").getString("id"));
  }

  private static String orderStatus(long orderId) {
    return f.platform.pool().preparedQuery("select status from orders where id = $1").execute(Tuple.of(orderId))
        .await().iterator().next().getString(0);
  }

  private static long count(String sql, long id) {
    return f.platform.pool().preparedQuery(sql).execute(Tuple.of(id)).await().iterator().next().getLong(0);
  }

  private static long ledger(long orderId) {
    return count("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = $1", orderId);
  }

  private static long lateRefunds(long orderId) {
    return count("select count(*) from refunds where order_id = $1 and reason = 'LATE_PAYMENT'"
        + " and status = 'SUCCEEDED'", orderId);
  }

  private static long revivals(long orderId) {
    return count("select count(*) from order_events where order_id = $1 and from_status = 'CANCELLED'"
        + " and to_status = 'PAID' and reason = '" + LatePayments.REVIVED + "'", orderId);
  }

  private static long buyerUnits(long dealId, Caller buyer) {
    return f.heldUnits(dealId, buyer.id());
  }

  /** The same counts, whatever the version (and the status that came with it). */
  private static void assertUnchanged(DealCounts before, DealCounts after) {
    assertThat(new DealCounts(after.joinedBuyers(), after.joinedUnits(), after.committedBuyers(),
        after.committedUnits(), after.remaining(), 0, null)).isEqualTo(new DealCounts(before.joinedBuyers(),
        before.joinedUnits(), before.committedBuyers(), before.committedUnits(), before.remaining(), 0, null));
  }

  @Test
  void aLatePaymentRevivesTheOrderWhenStockAllowsAndMayFormTheGroup() {
    long dealId = deal(onlineShop(), 2, 20, 2);
    Caller early = f.viewer("准时");
    long earlyOrder = orderId(f.join(early, dealId, 1));
    paid(f, f.payments.start(early, earlyOrder, null).await()).await();
    Lapsed late = joinAndLetLapse(dealId, "迟到", 2);
    DealCounts lapsed = f.redisCounts(dealId);
    assertThat(lapsed.remaining()).isEqualTo(19);
    assertThat(lapsed.committedBuyers()).isEqualTo(1);
    int roomEventsBefore = f.room.events.size();

    paid(f, late.payment()).await();

    awaitStatus(dealId, "FORMED");
    assertThat(orderStatus(late.orderId())).as("paid, and confirmed with the group").isEqualTo("CONFIRMED");
    assertThat(revivals(late.orderId())).isEqualTo(1);
    DealCounts after = f.redisCounts(dealId);
    assertThat(after.joinedBuyers()).isEqualTo(2);
    assertThat(after.joinedUnits()).isEqualTo(3);
    assertThat(after.committedBuyers()).isEqualTo(2);
    assertThat(after.committedUnits()).isEqualTo(3);
    assertThat(after.remaining()).isEqualTo(17);
    assertThat(f.recorded("select sold_units from deals where id = $1", dealId)).isEqualTo(3);
    assertThat(buyerUnits(dealId, late.buyer())).isEqualTo(2);
    assertThat(f.room.events.subList(roomEventsBefore, f.room.events.size()))
        .as("the room saw the revived order counted, then the group form")
        .anyMatch(e -> e.type().equals("deal.progress") && e.fields().getInteger("committedBuyers") == 2
            && e.fields().getInteger("remaining") == 17)
        .anyMatch(e -> e.type().equals("deal.formed"));
    assertThat(count("select count(*) from refunds where order_id = $1", late.orderId())).isZero();
    assertThat(ledger(late.orderId())).isEqualTo(2 * 2990);
    assertThat(f.reconciler.runOnce().await()).as("Redis agrees with the record").isZero();
  }

  @Test
  void aLatePaymentIsRefundedWhenTheStockWasSoldInTheMeantime() {
    long dealId = deal(onlineShop(), 5, 2, 2);
    Lapsed late = joinAndLetLapse(dealId, "迟到", 2);
    Caller other = f.viewer("捡漏");
    f.join(other, dealId, 2);
    DealCounts before = f.redisCounts(dealId);
    assertThat(before.remaining()).isZero();

    paid(f, late.payment()).await();

    assertThat(orderStatus(late.orderId())).isEqualTo("REFUNDED");
    assertThat(lateRefunds(late.orderId())).isEqualTo(1);
    assertThat(ledger(late.orderId())).isZero();
    assertUnchanged(before, f.redisCounts(dealId));
    assertThat(f.recorded("select sold_units from deals where id = $1", dealId)).isEqualTo(2);
    assertThat(buyerUnits(dealId, late.buyer())).isZero();
    assertThat(f.redisCounts(dealId).version()).as("no reservation taken and given back").isEqualTo(before.version());
  }

  @Test
  void theRecordRefusesARevivalThatWouldOversellEvenWhenRedisIsWrong() {
    long dealId = deal(onlineShop(), 5, 2, 2);
    Lapsed late = joinAndLetLapse(dealId, "迟到", 2);
    f.join(f.viewer("捡漏"), dealId, 2);
    String state = "gb:{deal:" + dealId + "}:state";
    // Redis believes units are left (it lost a write); PostgreSQL knows they are sold.
    f.platform.redis().call(c -> c.hset(state, "remaining", "5")).await();
    DealCounts before = f.redisCounts(dealId);

    paid(f, late.payment()).await();

    assertThat(orderStatus(late.orderId())).isEqualTo("REFUNDED");
    assertThat(lateRefunds(late.orderId())).isEqualTo(1);
    assertThat(f.recorded("select sold_units from deals where id = $1", dealId)).isEqualTo(2);
    assertThat(buyerUnits(dealId, late.buyer())).isZero();
    assertUnchanged(before, f.redisCounts(dealId));
    assertThat(f.platform.redis().call(c -> c.zcard("gb:{deal:" + dealId + "}:inflight")).await()).isZero();
  }

  @Test
  void aLatePaymentIsRefundedWhenANewerOrderUsedTheHouseholdsLimit() {
    long dealId = deal(onlineShop(), 5, 20, 2);
    Lapsed late = joinAndLetLapse(dealId, "又来了", 2);
    long newer = orderId(f.join(late.buyer(), dealId, 2));
    DealCounts before = f.redisCounts(dealId);

    paid(f, late.payment()).await();

    assertThat(orderStatus(late.orderId())).isEqualTo("REFUNDED");
    assertThat(lateRefunds(late.orderId())).isEqualTo(1);
    assertThat(ledger(late.orderId())).isZero();
    assertThat(orderStatus(newer)).isEqualTo("PENDING_PAYMENT");
    assertUnchanged(before, f.redisCounts(dealId));
    assertThat(buyerUnits(dealId, late.buyer())).isEqualTo(2);
  }

  @Test
  void aWithdrawnOrderPaidLateIsRefunded() {
    long dealId = deal(onlineShop(), 5, 20, 2);
    Caller buyer = f.viewer("改主意");
    long orderId = orderId(f.join(buyer, dealId, 1));
    JsonObject payment = f.payments.start(buyer, orderId, null).await();
    f.leaves.leave(buyer, orderId).await();
    DealCounts before = f.redisCounts(dealId);

    paid(f, payment).await();

    assertThat(orderStatus(orderId)).as("the household said no; stock allowing changes nothing")
        .isEqualTo("REFUNDED");
    assertThat(lateRefunds(orderId)).isEqualTo(1);
    assertThat(ledger(orderId)).isZero();
    assertUnchanged(before, f.redisCounts(dealId));
  }

  @Test
  void aLatePaymentForAFailedDealIsRefunded() {
    long dealId = deal(onlineShop(), 5, 20, 2);
    Lapsed late = joinAndLetLapse(dealId, "太迟", 1);
    f.clock.advance(Duration.ofHours(3));
    f.deadlines.runOnce().await();
    assertThat(f.status(dealId)).isEqualTo("FAILED");

    paid(f, late.payment()).await();

    assertThat(orderStatus(late.orderId())).isEqualTo("REFUNDED");
    assertThat(count("select count(*) from refunds where order_id = $1", late.orderId())).isEqualTo(1);
    assertThat(ledger(late.orderId())).isZero();
    assertThat(f.redisCounts(dealId).committedUnits()).isZero();
  }

  @Test
  void aLatePaymentToADealPastItsEndNotYetSweptIsRefunded() {
    long dealId = deal(onlineShop(), 5, 20, 2);
    Lapsed late = joinAndLetLapse(dealId, "压线", 1);
    f.clock.advance(Duration.ofHours(3));
    assertThat(f.status(dealId)).as("the deadline sweep has not run").isEqualTo("OPEN");

    paid(f, late.payment()).await();

    assertThat(orderStatus(late.orderId())).isEqualTo("REFUNDED");
    assertThat(ledger(late.orderId())).isZero();
    assertThat(f.redisCounts(dealId).committedUnits()).as("the reservation was given back").isZero();
  }

  @Test
  void duplicateLateNotificationsOnTwoNodesReviveOnce() {
    long dealId = deal(onlineShop(), 5, 20, 2);
    Lapsed late = joinAndLetLapse(dealId, "重复", 2);
    try (DealFixture other = new DealFixture(f)) {
      other.clock.advance(Duration.between(other.clock.instant(), f.clock.instant()));
      Future.join(List.of(paid(f, late.payment()), paid(other, late.payment()), paid(f, late.payment()),
          paid(other, late.payment()))).await();
    }
    assertThat(orderStatus(late.orderId())).isEqualTo("PAID");
    assertThat(revivals(late.orderId())).isEqualTo(1);
    assertThat(count("select count(*) from refunds where order_id = $1", late.orderId())).isZero();
    assertThat(count("select count(*) from ledger_entries where order_id = $1", late.orderId())).isEqualTo(1);
    assertThat(ledger(late.orderId())).isEqualTo(2 * 2990);
    DealCounts after = f.redisCounts(dealId);
    assertThat(after.committedUnits()).as("counted once").isEqualTo(2);
    assertThat(after.remaining()).isEqualTo(18);
    assertThat(f.recorded("select sold_units from deals where id = $1", dealId)).isEqualTo(2);
    assertThat(f.reconciler.runOnce().await()).isZero();
  }

  @Test
  void duplicateLateNotificationsOnTwoNodesRefundOnce() {
    long dealId = deal(onlineShop(), 5, 2, 2);
    Lapsed late = joinAndLetLapse(dealId, "重复退款", 2);
    f.join(f.viewer("捡漏"), dealId, 2);
    DealCounts before = f.redisCounts(dealId);
    try (DealFixture other = new DealFixture(f)) {
      other.clock.advance(Duration.between(other.clock.instant(), f.clock.instant()));
      Future.join(List.of(paid(f, late.payment()), paid(other, late.payment()), paid(f, late.payment()),
          paid(other, late.payment()))).await();
    }
    assertThat(orderStatus(late.orderId())).isEqualTo("REFUNDED");
    assertThat(revivals(late.orderId())).isZero();
    assertThat(count("select count(*) from refunds where order_id = $1", late.orderId())).isEqualTo(1);
    assertThat(ledger(late.orderId())).isZero();
    assertUnchanged(before, f.redisCounts(dealId));
  }

  @Test
  void aReviveWhoseTransactionFailsLeavesNoCountBehindAndTheRetryRevives() {
    long dealId = deal(onlineShop(), 5, 20, 2);
    Lapsed late = joinAndLetLapse(dealId, "写失败", 1);
    DealCounts before = f.redisCounts(dealId);
    // The database refuses the order's change (a stand-in for a commit that fails after the Redis script ran).
    f.platform.pool().query("create function refuse_revive() returns trigger language plpgsql as $$ begin"
        + " raise exception 'database unavailable'; end $$").execute().await();
    f.platform.pool().query("create trigger refuse_revive before update of status on orders for each row"
        + " when (old.status = 'CANCELLED' and new.status = 'PAID') execute function refuse_revive()")
        .execute().await();
    try {
      assertThat(catchThrowable(() -> paid(f, late.payment()).await())).isNotNull();
    } finally {
      f.platform.pool().query("drop trigger refuse_revive on orders").execute().await();
    }
    assertThat(orderStatus(late.orderId())).isEqualTo("CANCELLED");
    assertThat(count("select count(*) from payments where order_id = $1 and status = 'CREATED'", late.orderId()))
        .as("the provider will notify again").isEqualTo(1);
    assertUnchanged(before, f.redisCounts(dealId));
    assertThat(f.platform.redis().call(c -> c.zcard("gb:{deal:" + dealId + "}:inflight")).await()).isZero();

    paid(f, late.payment()).await();
    assertThat(orderStatus(late.orderId())).isEqualTo("PAID");
    assertThat(f.redisCounts(dealId).committedUnits()).isEqualTo(1);
    assertThat(ledger(late.orderId())).isEqualTo(2990);
  }

  @Test
  void aReviveAbandonedBetweenRedisAndPostgresIsReleasedByTheReconciler() {
    long dealId = deal(onlineShop(), 5, 20, 2);
    Lapsed late = joinAndLetLapse(dealId, "半路掉线", 2);
    DealCounts before = f.redisCounts(dealId);
    // The script ran, then the node died before its transaction committed.
    String member = Ids.toText(late.orderId()) + ":" + Ids.toText(late.buyer().id()) + ":2:1:late-payment-"
        + late.payment().getString("paymentId");
    assertThat(LatePayments.isRevival(member)).isTrue();
    assertThat(f.counters.revive(dealId, late.buyer().id(), 2, late.orderId(), f.clock.millis(), member).await())
        .isInstanceOf(JoinOutcome.Accepted.class);
    assertThat(f.redisCounts(dealId).committedUnits()).isEqualTo(2);

    f.clock.advance(Duration.ofSeconds(20));
    f.reconciler.runOnce().await();
    assertUnchanged(before, f.redisCounts(dealId));

    // The provider notifies again: the order is revived properly now.
    paid(f, late.payment()).await();
    assertThat(orderStatus(late.orderId())).isEqualTo("PAID");
    assertThat(f.redisCounts(dealId).committedUnits()).isEqualTo(2);
    assertThat(f.reconciler.runOnce().await()).isZero();
  }
}
