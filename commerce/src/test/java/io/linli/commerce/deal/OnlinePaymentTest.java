package io.linli.commerce.deal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.linli.commerce.order.PaymentMode;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
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

/** Online payment: holds, payment-coupled counts, lapses, late and repeated notifications, refunds. */
class OnlinePaymentTest extends DealTestBase {

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

  private long deal(DealFixture.Shop shop, int threshold, List<Tier> tiers) {
    return f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, threshold, CountBy.BUYERS, 20, 2, null,
        null, f.now().plusHours(2), tiers));
  }

  /** Plays the provider: a signed notification of the payment's outcome. */
  private static Future<Void> notify(JsonObject payment, boolean success) {
    String body = new JsonObject().put("eventId", UUID.randomUUID().toString())
        .put("paymentId", payment.getString("paymentId")).put("outcome", success ? "SUCCESS" : "FAIL")
        .put("amountFen", payment.getLong("amountFen")).put("providerRef", "sbx").encode();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(f.provider.signedHeaders(body, "n-" + body.hashCode()));
    // A payment that needs refunding is refunded at once; the sandbox then notifies the refund's outcome.
    return f.payments.notified(headers, Buffer.buffer(body)).compose(x -> f.refundNotices());
  }

  private static long orderId(JsonObject joined) {
    return Ids.parse(joined.getJsonObject("order").getString("id"));
  }

  private static String orderStatus(long orderId) {
    return f.platform.pool().preparedQuery("select status from orders where id = $1").execute(Tuple.of(orderId))
        .await().iterator().next().getString(0);
  }

  private static long sum(String sql, long id) {
    return f.platform.pool().preparedQuery(sql).execute(Tuple.of(id)).await().iterator().next().getLong(0);
  }

  @Test
  void aJoinHoldsStockUntilPaidAndOnlyPaidOrdersFormTheGroup() {
    long dealId = deal(onlineShop(), 2, List.of());
    Caller a = f.viewer("甲");
    JsonObject joined = f.join(a, dealId, 2);
    assertThat(joined.getJsonObject("order").getString("status")).isEqualTo("PENDING_PAYMENT");
    assertThat(joined.getJsonObject("order").getString("holdExpiresAt")).isNotNull();
    DealCounts held = f.redisCounts(dealId);
    assertThat(held.joinedBuyers()).isEqualTo(1);
    assertThat(held.remaining()).isEqualTo(18);
    assertThat(held.committedBuyers()).isZero();

    JsonObject payment = f.payments.start(a, orderId(joined), "pay-1").await();
    assertThat(f.payments.start(a, orderId(joined), "pay-1").await().getString("paymentId"))
        .as("same key, same payment").isEqualTo(payment.getString("paymentId"));
    assertThat(payment.getLong("amountFen")).isEqualTo(2 * 2990);
    notify(payment, true).await();
    assertThat(orderStatus(orderId(joined))).isEqualTo("PAID");
    assertThat(f.redisCounts(dealId).committedBuyers()).isEqualTo(1);
    assertThat(f.status(dealId)).isEqualTo("OPEN");

    Caller b = f.viewer("乙");
    JsonObject second = f.join(b, dealId, 1);
    assertThat(f.redisCounts(dealId).committedBuyers()).as("joined, not paid").isEqualTo(1);
    notify(f.payments.start(b, orderId(second), null).await(), true).await();
    awaitStatus(dealId, "FORMED");
    assertThat(orderStatus(orderId(joined))).isEqualTo("CONFIRMED");
    assertThat(sum("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = $1", orderId(joined)))
        .isEqualTo(2 * 2990);
  }

  @Test
  void aLapsedHoldGoesBackOnSaleAndALatePaymentForAnEndedDealIsRefunded() {
    DealFixture.Shop shop = onlineShop();
    long dealId = deal(shop, 5, List.of());
    Caller a = f.viewer("迟到");
    JsonObject joined = f.join(a, dealId, 2);
    JsonObject payment = f.payments.start(a, orderId(joined), null).await();

    f.clock.advance(Duration.ofMinutes(16));
    assertThat(f.holds.runOnce().await()).isEqualTo(1);
    assertThat(orderStatus(orderId(joined))).isEqualTo("CANCELLED");
    assertThat(f.redisCounts(dealId).remaining()).isEqualTo(20);
    assertThat(f.redisCounts(dealId).joinedBuyers()).isZero();
    assertThat(f.recorded("select sold_units from deals where id = $1", dealId)).isZero();
    assertThat(catchThrowableOfType(Problem.class, () -> f.payments.start(a, orderId(joined), "again").await())
        .status()).isEqualTo(410);

    // A late payment revives the order if the deal can still take it (LatePaymentTest); this one has ended.
    f.deals.closeNow(shop.owner(), dealId).await();
    assertThat(f.status(dealId)).isEqualTo("FAILED");
    notify(payment, true).await();
    assertThat(orderStatus(orderId(joined))).as("paid after its hold lapsed").isEqualTo("REFUNDED");
    assertThat(sum("select count(*) from refunds where order_id = $1 and reason = 'LATE_PAYMENT'"
        + " and status = 'SUCCEEDED'", orderId(joined))).isEqualTo(1);
    assertThat(sum("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = $1", orderId(joined)))
        .isZero();
    assertThat(f.redisCounts(dealId).committedBuyers()).isZero();
  }

  @Test
  void repeatedReorderedAndForgedNotificationsChangeNothing() {
    long dealId = deal(onlineShop(), 5, List.of());
    Caller a = f.viewer("甲");
    JsonObject joined = f.join(a, dealId, 1);
    JsonObject payment = f.payments.start(a, orderId(joined), null).await();

    String forged = new JsonObject().put("eventId", "x").put("paymentId", payment.getString("paymentId"))
        .put("outcome", "SUCCESS").put("amountFen", 2990).encode();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(f.provider.signedHeaders("{}", "n"));
    Problem refused = catchThrowableOfType(Problem.class,
        () -> f.payments.notified(headers, Buffer.buffer(forged)).await());
    assertThat(refused.status()).isEqualTo(401);
    assertThat(orderStatus(orderId(joined))).isEqualTo("PENDING_PAYMENT");

    notify(payment, true).await();
    notify(payment, true).await();
    notify(payment, false).await();
    assertThat(orderStatus(orderId(joined))).isEqualTo("PAID");
    assertThat(sum("select count(*) from ledger_entries where order_id = $1", orderId(joined))).isEqualTo(1);
    assertThat(f.redisCounts(dealId).committedUnits()).as("counted once").isEqualTo(1);
  }

  @Test
  void aFailedDealRefundsEveryPaymentOnceWhileTwoNodesEndIt() {
    long dealId = deal(onlineShop(), 5, List.of());
    List<Long> orders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Caller v = f.viewer("邻居" + i);
      JsonObject joined = f.join(v, dealId, 1);
      orders.add(orderId(joined));
      notify(f.payments.start(v, orderId(joined), null).await(), true).await();
    }
    try (DealFixture other = new DealFixture(f)) {
      f.clock.advance(Duration.ofHours(3));
      other.clock.advance(Duration.ofHours(3));
      Future.all(f.deadlines.runOnce(), other.deadlines.runOnce(), f.deadlines.runOnce(),
          other.deadlines.runOnce()).await();
      Future.all(f.refundNotices(), other.refundNotices()).await();
    }
    assertThat(f.status(dealId)).isEqualTo("FAILED");
    for (long order : orders) {
      assertThat(orderStatus(order)).isEqualTo("REFUNDED");
      assertThat(sum("select count(*) from refunds where order_id = $1", order)).isEqualTo(1);
      assertThat(sum("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = $1", order)).isZero();
    }
  }

  @Test
  void paidOrdersGetTheTierDifferenceBack() {
    long dealId = deal(onlineShop(), 1, List.of(new Tier(3, 2590)));
    List<Long> orders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Caller v = f.viewer("邻居" + i);
      JsonObject joined = f.join(v, dealId, 1);
      orders.add(orderId(joined));
      notify(f.payments.start(v, orderId(joined), null).await(), true).await();
    }
    awaitStatus(dealId, "FORMED");
    f.clock.advance(Duration.ofHours(3));
    f.deadlines.runOnce().await();
    f.refundNotices().await();
    assertThat(f.status(dealId)).isEqualTo("CLOSED");
    long refundedTotal = 0;
    for (long order : orders) {
      assertThat(sum("select amount_fen from orders where id = $1", order)).isEqualTo(2590);
      assertThat(sum("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = $1", order))
          .as("paid minus the tier refund").isEqualTo(2590);
      refundedTotal += sum("select coalesce(sum(amount_fen), 0) from refunds where order_id = $1"
          + " and reason = 'TIER_PRICE'", order);
    }
    // Online, a join is priced at the tier the paid count has reached, which excludes itself: all three joined
    // at ¥29.90 (0, 1 and 2 paid), and the close gives each ¥4.00 back.
    assertThat(refundedTotal).isEqualTo(3 * 400);
  }

  @Test
  void aPaidOrderWithdrawnBeforeTheGroupFormsIsRefunded() {
    long dealId = deal(onlineShop(), 5, List.of());
    Caller a = f.viewer("改主意");
    JsonObject joined = f.join(a, dealId, 2);
    notify(f.payments.start(a, orderId(joined), null).await(), true).await();
    f.leaves.leave(a, orderId(joined)).await();
    f.refundNotices().await();
    assertThat(orderStatus(orderId(joined))).isEqualTo("REFUNDED");
    DealCounts after = f.redisCounts(dealId);
    assertThat(after.committedUnits()).isZero();
    assertThat(after.remaining()).isEqualTo(20);
  }
}
