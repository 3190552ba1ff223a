package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.commerce.payment.RefundService;
import io.linli.core.id.Ids;
import io.linli.core.testing.TestPlatform;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Invariant 7 when a node dies at the worst moment: right after the transaction that cancels a paid order (or
 * lowers its price) commits, before it asks the provider for the refund. Every path that gives money back is
 * driven on a node whose provider calls after commit never happen; that node is then stopped, and the refund
 * sweeps of two other nodes, running at once, refund every payment exactly once. A node that is only slow, its
 * call arriving after the sweep already sent the same refund, refunds nothing twice. The ledger of every order
 * sums to paid - refunded throughout.
 */
class RefundAfterCrashTest extends TwoClockedNodesTest {
  private static final AtomicInteger PHONES = new AtomicInteger();

  /** A paid order, the refund it must get (reason, fen), and whether it ends REFUNDED or stays on (a tier refund). */
  private record Expected(String order, String payment, String reason, long fen, String finalStatus) {}

  @Test
  void everyRefundClaimedByANodeThatDiedAfterItsCommitIsSentOnceByTheOthersSweeps() {
    Node dying = Node.start(TestPlatform.config(database, Map.of("LINLI_NODE_ID", "node-dying")), CLOCK).await();
    List<RefundService.Claimed> neverSent = new CopyOnWriteArrayList<>();
    // The node "dies" right after each commit: the provider is never asked.
    dying.services().commerce().refunds().afterCommit((refund, ask) -> {
      neverSent.add(refund);
      return Future.succeededFuture();
    });
    ApiClient api = new ApiClient(dying.port());
    List<Expected> expected = new ArrayList<>();
    try {
      ApiClient.Shop shop = onlineShop(api);
      String soldOutDeal = deal(api, shop, 2990, 50, 2, 2, null);
      String tierDeal = deal(api, shop, 2990, 1, 10, 1,
          new JsonArray().add(new JsonObject().put("minCount", 2).put("priceFen", 2490)));

      // Two holds lapse: one in the deal that will fail, one in a deal that will sell out meanwhile.
      ApiClient.Viewer lapsed = api.viewer("超时");
      String lapsedOrder = join(api, shop.dealId(), lapsed, 1);
      JsonObject lapsedPayment = startPayment(api, lapsedOrder, lapsed);
      ApiClient.Viewer soldOut = api.viewer("晚了一步");
      String soldOutOrder = join(api, soldOutDeal, soldOut, 2);
      JsonObject soldOutPayment = startPayment(api, soldOutOrder, soldOut);
      CLOCK.advance(Duration.ofMinutes(11));
      awaitStatus(api, lapsedOrder, lapsed, "CANCELLED");
      awaitStatus(api, soldOutOrder, soldOut, "CANCELLED");
      join(api, soldOutDeal, api.viewer("捡漏"), 2);

      // Paid orders: one withdrawn, two in the deal that fails, two whose price the final tier lowers.
      ApiClient.Viewer leaver = api.viewer("改主意");
      String leaverOrder = join(api, shop.dealId(), leaver, 2);
      String leaverPayment = pay(api, leaverOrder, leaver);
      List<ApiClient.Viewer> failing = List.of(api.viewer("邻居甲"), api.viewer("邻居乙"));
      List<String> failingOrders = new ArrayList<>();
      List<String> failingPayments = new ArrayList<>();
      for (int i = 0; i < failing.size(); i++) {
        failingOrders.add(join(api, shop.dealId(), failing.get(i), 2 - i));
        failingPayments.add(pay(api, failingOrders.get(i), failing.get(i)));
      }
      List<ApiClient.Viewer> tiered = List.of(api.viewer("阶梯甲"), api.viewer("阶梯乙"));
      List<String> tierOrders = new ArrayList<>();
      List<String> tierPayments = new ArrayList<>();
      for (ApiClient.Viewer v : tiered) {
        String order = join(api, tierDeal, v, 1);
        tierOrders.add(order);
        tierPayments.add(pay(api, order, v));
      }

      // 1. A withdrawal.
      ApiClient.expect(api.post("/api/orders/" + leaverOrder + "/cancel", leaver.token(), null), 200);
      expected.add(new Expected(leaverOrder, leaverPayment, "BUYER_LEFT", 2 * 2990, "REFUNDED"));
      // 2. A late payment for a lapsed hold whose stock was sold meanwhile.
      ApiClient.expect(api.postForm(soldOutPayment.getString("payUrl"), "outcome=pay"), 200);
      awaitCount("select count(*) from refunds where order_id = " + Ids.parse(soldOutOrder), 1);
      expected.add(new Expected(soldOutOrder, soldOutPayment.getString("paymentId"), "LATE_PAYMENT", 2 * 2990,
          "REFUNDED"));
      // 3. The deal fails (the host ends it unformed): both paid orders are cancelled.
      ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/close", shop.ownerToken(), null), 200);
      assertThat(api.get("/api/deals/" + shop.dealId(), null).json().getString("status")).isEqualTo("FAILED");
      for (int i = 0; i < failing.size(); i++) {
        expected.add(new Expected(failingOrders.get(i), failingPayments.get(i), "DEAL_FAILED", (2 - i) * 2990,
            "REFUNDED"));
      }
      // 4. A late payment for a lapsed hold of the deal that has failed.
      ApiClient.expect(api.postForm(lapsedPayment.getString("payUrl"), "outcome=pay"), 200);
      awaitCount("select count(*) from refunds where order_id = " + Ids.parse(lapsedOrder), 1);
      expected.add(new Expected(lapsedOrder, lapsedPayment.getString("paymentId"), "LATE_PAYMENT", 2990,
          "REFUNDED"));
      // 5. The tier deal closes at the lower price: each paid order gets the difference back.
      ApiClient.expect(api.post("/api/deals/" + tierDeal + "/close", shop.ownerToken(), null), 200);
      assertThat(api.get("/api/deals/" + tierDeal, null).json().getString("status")).isEqualTo("CLOSED");
      for (int i = 0; i < tierOrders.size(); i++) {
        expected.add(new Expected(tierOrders.get(i), tierPayments.get(i), "TIER_PRICE", 2990 - 2490, "CONFIRMED"));
      }

      // Every refund is claimed in the record with its change, and none reached the provider.
      assertThat(neverSent).hasSize(expected.size());
      for (Expected e : expected) {
        Row refund = onlyRefund(e.order());
        assertThat(refund.getString("reason")).isEqualTo(e.reason());
        assertThat(refund.getLong("amount_fen")).isEqualTo(e.fen());
        assertThat(refund.getString("status")).isEqualTo("PENDING");
        assertThat(refund.getOffsetDateTime("accepted_at")).as("never acknowledged by the provider").isNull();
        assertThat(sandboxRefunded(e.payment())).isZero();
        assertThat(ledger(e.order())).as("nothing came back yet").isEqualTo(paid(e.order()));
      }
    } finally {
      dying.close().await();
    }

    long sentBefore = sentBySweep(a) + sentBySweep(b);
    // Within the time a live node takes to send its own, the sweeps leave the refunds alone.
    assertThat(Future.all(a.services().commerce().refunds().sweep(), b.services().commerce().refunds().sweep())
        .await().<Integer>list()).containsOnly(0);
    CLOCK.advance(Duration.ofSeconds(31));
    List<Future<Integer>> sweeps = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sweeps.add(a.services().commerce().refunds().sweep());
      sweeps.add(b.services().commerce().refunds().sweep());
    }
    Future.all(sweeps).await();
    // (A node's own 10-second sweep may have taken some first: then it sent them.)
    String orders = ids(expected.stream().map(Expected::order).toList());
    awaitCount("select count(*) from refunds where status = 'SUCCEEDED' and order_id in " + orders, expected.size());

    for (Expected e : expected) {
      Row refund = onlyRefund(e.order());
      assertThat(refund.getString("status")).isEqualTo("SUCCEEDED");
      assertThat(refund.getLong("amount_fen")).isEqualTo(e.fen());
      assertThat(count("select count(*) from refunds where payment_id = " + Ids.parse(e.payment())))
          .as("one refund per payment").isEqualTo(1);
      assertThat(refundEntries(Ids.parse(e.order()))).isEqualTo(1);
      assertThat(sandboxRefunded(e.payment())).as("the provider refunded " + e.reason() + " once").isEqualTo(e.fen());
      assertThat(ledger(e.order())).isEqualTo(paid(e.order()) - e.fen());
      awaitOrderStatus(e.order(), e.finalStatus());
    }
    assertThat(count("select coalesce(sum(queries), 0) from refunds where order_id in " + orders))
        .as("each refund taken up by one sweep, once").isEqualTo(expected.size());
    assertThat(sentBySweep(a) + sentBySweep(b) - sentBefore).isEqualTo(expected.size());
  }

  @Test
  void aSlowNodeWhoseCallArrivesAfterTheSweepSentTheSameRefundRefundsNothingTwice() {
    List<Supplier<Future<Void>>> held = new CopyOnWriteArrayList<>();
    // The node is alive but stalls right after its commit: its call to the provider comes later.
    a.services().commerce().refunds().afterCommit((refund, ask) -> {
      held.add(ask);
      return Future.succeededFuture();
    });
    ApiClient api = new ApiClient(a.port());
    String order;
    String payment;
    try {
      ApiClient.Shop shop = onlineShop(api);
      ApiClient.Viewer v = api.viewer("慢半拍");
      order = join(api, shop.dealId(), v, 2);
      payment = pay(api, order, v);
      ApiClient.expect(api.post("/api/orders/" + order + "/cancel", v.token(), null), 200);
    } finally {
      a.services().commerce().refunds().afterCommit(RefundService.AfterCommit.AT_ONCE);
    }
    assertThat(held).hasSize(1);
    assertThat(onlyRefund(order).getString("status")).isEqualTo("PENDING");

    // The other node's sweep sends it and the provider refunds it; then the slow node's own call arrives.
    CLOCK.advance(Duration.ofSeconds(31));
    b.services().commerce().refunds().sweep().await(); // (or a node's own 10-second sweep, if it came first)
    awaitOrderStatus(order, "REFUNDED");
    assertThat(onlyRefund(order).getInteger("queries")).as("sent by one sweep, once").isEqualTo(1);
    held.get(0).get().await();
    OneNodeTest.sleep(300);
    assertThat(count("select count(*) from refunds where order_id = " + Ids.parse(order))).isEqualTo(1);
    assertThat(refundEntries(Ids.parse(order))).isEqualTo(1);
    assertThat(ledger(order)).isZero();
    assertThat(sandboxRefunded(payment)).as("the provider took one refund under one refund id").isEqualTo(2 * 2990);
    assertThat(onlyRefund(order).getString("provider_refund_id")).startsWith("sbr_");
  }

  // ---- helpers ----

  private static ApiClient.Shop onlineShop(ApiClient api) {
    ApiClient.Shop shop = api.openShop("1390009" + String.format("%04d", PHONES.incrementAndGet()), 50, "BUYERS", 20,
        2);
    api.payOnline(shop, 10);
    return shop;
  }

  private static String deal(ApiClient api, ApiClient.Shop shop, long priceFen, int threshold, int stock, int limit,
      JsonArray tiers) {
    JsonObject body = new JsonObject().put("productId", shop.productId()).put("groupPriceFen", priceFen)
        .put("threshold", threshold).put("countBy", "BUYERS").put("stock", stock).put("perBuyerLimit", limit)
        .put("endsAt", OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).toString());
    if (tiers != null) {
      body.put("tiers", tiers);
    }
    return ApiClient.expect(api.post("/api/streams/" + shop.streamId() + "/deals", shop.ownerToken(), body), 201)
        .json().getString("id");
  }

  private static String join(ApiClient api, String dealId, ApiClient.Viewer v, int quantity) {
    return ApiClient.expect(api.post("/api/deals/" + dealId + "/join", v.token(),
        new JsonObject().put("quantity", quantity)), 201).json().getJsonObject("order").getString("id");
  }

  private static JsonObject startPayment(ApiClient api, String order, ApiClient.Viewer v) {
    return ApiClient.expect(api.post("/api/orders/" + order + "/payments", v.token(), null), 201).json();
  }

  /** Pays on the node's sandbox page (its notification comes back to that node); answers the payment id. */
  private static String pay(ApiClient api, String order, ApiClient.Viewer v) {
    JsonObject payment = startPayment(api, order, v);
    ApiClient.expect(api.postForm(payment.getString("payUrl"), "outcome=pay"), 200);
    awaitStatus(api, order, v, "PAID", "CONFIRMED");
    return payment.getString("paymentId");
  }

  private static void awaitStatus(ApiClient api, String order, ApiClient.Viewer v, String... wanted) {
    assertThat(api.awaitOrder(order, v, Duration.ofSeconds(5), wanted)).isIn((Object[]) wanted);
  }

  private static void awaitOrderStatus(String order, String wanted) {
    String status = null;
    for (int i = 0; i < 200 && !wanted.equals(status); i++) {
      status = a.platform().pool().query("select status from orders where id = " + Ids.parse(order)).execute()
          .await().iterator().next().getString(0);
      if (!wanted.equals(status)) {
        OneNodeTest.sleep(25);
      }
    }
    assertThat(status).as("order " + order).isEqualTo(wanted);
  }

  private static Row onlyRefund(String order) {
    var rows = a.platform().pool().query("select * from refunds where order_id = " + Ids.parse(order)).execute()
        .await();
    assertThat(rows.size()).as("refunds of order " + order).isEqualTo(1);
    return rows.iterator().next();
  }

  /** The node's count of refunds its sweep sent because their node never did. */
  private static long sentBySweep(Node node) {
    return new ApiClient(node.port()).get("/metrics", null).text().lines()
        .filter(l -> l.startsWith("linli_refunds_sent_by_sweep_total"))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static long paid(String order) {
    return count("select coalesce(sum(amount_fen), 0) from payments where status = 'SUCCEEDED' and order_id = "
        + Ids.parse(order));
  }
}
