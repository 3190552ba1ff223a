package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.commerce.payment.SandboxProvider;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Refunds as a real provider does them, over the real HTTP notification path: the sandbox accepts a refund, and
 * only its signed notification (or a query, when none came) says the money is back. The ledger sums to paid -
 * refunded at every step; duplicates, reordering and forgeries change nothing; a refund the provider could not
 * return is FAILED, shown to staff, and a retry gives the money back. Two nodes share one database and a clock.
 */
class RefundFlowTest extends TwoClockedNodesTest {
  private static final AtomicInteger PHONES = new AtomicInteger();
  private static ApiClient api;
  private static ApiClient apiB;
  /** Plays the provider where a test must (hand-made notifications): same secret and clock as the nodes. */
  private static SandboxProvider sandbox;

  @BeforeAll
  static void clients() {
    api = new ApiClient(a.port());
    apiB = new ApiClient(b.port());
    sandbox = new SandboxProvider(a.platform().redis(), a.platform().config().sandboxPaySecret(), CLOCK);
  }

  @Test
  void aRefundIsDoneOnlyOnceTheSandboxsSignedNotificationArrives() {
    ApiClient.Shop shop = onlineShop();
    ApiClient.Viewer v = api.viewer("改主意");
    String order = join(shop, v);
    String payment = pay(order, v);
    assertThat(ledger(order)).isEqualTo(5980);
    sandboxSwitch(payment, "outcome=SUCCESS&notify=no");

    ApiClient.expect(api.post("/api/orders/" + order + "/cancel", v.token(), null), 200);
    JsonObject pending = onlyRefund(order, v.token());
    assertThat(pending.getString("status")).isEqualTo("PENDING");
    assertThat(pending.getString("reason")).isEqualTo("BUYER_LEFT");
    assertThat(pending.getLong("amountFen")).isEqualTo(5980);
    assertThat(pending.getString("providerRefundId")).as("accepted by the provider").startsWith("sbr_");
    OneNodeTest.sleep(300);
    assertThat(status(order, v)).as("accepted is not refunded").isEqualTo("CANCELLED");
    assertThat(ledger(order)).as("no money back before the provider says so").isEqualTo(5980);

    // The sandbox's page shows the refund it accepted, with its switch and a "notify now" button.
    assertThat(api.get("/sandbox/pay/" + payment, null).text()).contains(pending.getString("providerRefundId"))
        .contains("/next-refund").contains("/refunds/" + pending.getString("id") + "/notify");
    // The sandbox notifies (over HTTP, signed, retried until acknowledged).
    ApiClient.expect(api.postForm("/sandbox/pay/" + payment + "/refunds/" + pending.getString("id") + "/notify", ""),
        202);
    assertThat(awaitStatus(order, v, "REFUNDED")).isEqualTo("REFUNDED");
    assertThat(ledger(order)).isZero();
    JsonObject done = onlyRefund(order, shop.ownerToken());
    assertThat(done.getString("status")).isEqualTo("SUCCEEDED");
    assertThat(done.getString("outcome")).isEqualTo("SUCCESS");
    assertThat(done.getString("settledAt")).isNotNull();
    assertThat(refundEntries(Ids.parse(order))).isEqualTo(1);
    assertThat(api.get("/api/stores/" + shop.storeId() + "/summary", shop.ownerToken()).json()
        .getLong("refundsFen")).isEqualTo(5980);
    List<String> history = api.get("/api/orders/" + order, v.token()).json().getJsonArray("history").stream()
        .map(e -> ((JsonObject) e).getString("status")).toList();
    assertThat(history).containsSubsequence("PAID", "CANCELLED", "REFUNDED");
  }

  @Test
  void duplicateForgedTamperedAndEarlyNotificationsChangeNothing() {
    ApiClient.Shop shop = onlineShop();
    ApiClient.Viewer v = api.viewer("小赵");
    String order = join(shop, v);
    String payment = pay(order, v);
    sandboxSwitch(payment, "outcome=SUCCESS&notify=no");
    ApiClient.expect(api.post("/api/orders/" + order + "/cancel", v.token(), null), 200);
    JsonObject refund = onlyRefund(order, v.token());
    String body = sandbox.refundNotice(Ids.parse(payment), Ids.parse(refund.getString("id"))).await().body();

    // Forged (not the sandbox's secret) and tampered (a signed body, then changed): 401, nothing moves.
    ApiClient.Response forged = api.post("/api/payments/sandbox/refund-notify", null, new JsonObject(body),
        Map.of("Linli-Sandbox-Timestamp", Long.toString(CLOCK.instant().getEpochSecond()),
            "Linli-Sandbox-Nonce", "n", "Linli-Sandbox-Signature", "c2lnbmVk"));
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.contentType()).startsWith("application/problem+json");
    Map<String, String> signed = signed(body);
    String tampered = new JsonObject(body).put("amountFen", 1).encode();
    ApiClient.Response changed = api.post("/api/payments/sandbox/refund-notify", null, tampered, signed);
    assertThat(changed.status()).isEqualTo(401);
    assertThat(changed.contentType()).startsWith("application/problem+json");
    assertThat(onlyRefund(order, v.token()).getString("status")).isEqualTo("PENDING");
    assertThat(ledger(order)).isEqualTo(5980);
    assertThat(count("select count(*) from refund_notifications where refund_id = "
        + Ids.parse(refund.getString("id")))).isZero();

    // The same notification four times at once, to both nodes: one settles it, the rest are duplicates.
    List<CompletableFuture<ApiClient.Response>> sent = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sent.add((i % 2 == 0 ? api : apiB).postAsync("/api/payments/sandbox/refund-notify", null, body, signed));
    }
    sent.forEach(r -> assertThat(r.join().status()).isEqualTo(200));
    assertThat(status(order, v)).isEqualTo("REFUNDED");
    assertThat(ledger(order)).isZero();
    assertThat(refundEntries(Ids.parse(order))).isEqualTo(1);
    assertThat(count("select count(*) from refund_notifications where refund_id = "
        + Ids.parse(refund.getString("id")))).isEqualTo(1);
    // A later, different notification of the same refund (a new event id) finds it settled: nothing moves.
    String again = sandbox.refundNotice(Ids.parse(payment), Ids.parse(refund.getString("id"))).await().body();
    ApiClient.expect(api.post("/api/payments/sandbox/refund-notify", null, again,
        signed(again)), 200);
    assertThat(ledger(order)).isZero();
    assertThat(refundEntries(Ids.parse(order))).isEqualTo(1);
  }

  @Test
  void aNotificationBeforeItsRefundIsVisibleIsRefusedUntilTheProviderRetries() {
    ApiClient.Shop shop = onlineShop();
    ApiClient.Viewer v = api.viewer("小孙");
    String order = join(shop, v);
    String payment = pay(order, v);
    long orderId = Ids.parse(order);
    long paymentId = Ids.parse(payment);
    long refundId = Ids.next();
    String body = new JsonObject().put("eventId", "EV-" + UUID.randomUUID()).put("eventType", "REFUND.SUCCESS")
        .put("refundId", Ids.toText(refundId)).put("providerRefundId", "sbr_" + Ids.toText(refundId))
        .put("paymentId", payment).put("outcome", "SUCCESS").put("amountFen", 5980).encode();
    Map<String, String> signed = signed(body);

    // A node's withdrawal, claimed but not yet committed, when the provider's notification overtakes it.
    SqlConnection tx = a.platform().pool().getConnection().await();
    try {
      tx.query("begin").execute().await();
      tx.preparedQuery("update orders set status = 'CANCELLED' where id = $1").execute(Tuple.of(orderId)).await();
      tx.preparedQuery("insert into refunds(id, order_id, payment_id, reason, amount_fen, status, query_after)"
              + " values ($1, $2, $3, 'BUYER_LEFT', 5980, 'PENDING', now() + interval '1 hour')")
          .execute(Tuple.of(refundId, orderId, paymentId)).await();
      ApiClient.Response early = api.post("/api/payments/sandbox/refund-notify", null, body, signed);
      assertThat(early.status()).as("not ours yet: the provider will notify again").isEqualTo(404);
      assertThat(early.contentType()).startsWith("application/problem+json");
      assertThat(ledger(order)).isEqualTo(5980);
      tx.query("commit").execute().await();
    } finally {
      tx.close().await();
    }
    assertThat(count("select count(*) from refund_notifications where refund_id = " + refundId))
        .as("nothing kept of the early one").isZero();

    // The provider's retry of the same notification, now that the refund is in the record.
    ApiClient.expect(api.post("/api/payments/sandbox/refund-notify", null, body, signed), 200);
    ApiClient.expect(api.post("/api/payments/sandbox/refund-notify", null, body, signed), 200);
    assertThat(status(order, v)).isEqualTo("REFUNDED");
    assertThat(ledger(order)).isZero();
    assertThat(refundEntries(orderId)).isEqualTo(1);
  }

  @Test
  void anAbnormalRefundIsFailedShownToStaffAndARetryGivesTheMoneyBack() {
    ApiClient.Shop shop = onlineShop();
    ApiClient.Viewer v = api.viewer("卡被冻结");
    String order = join(shop, v);
    String payment = pay(order, v);
    sandboxSwitch(payment, "outcome=ABNORMAL");

    ApiClient.expect(api.post("/api/orders/" + order + "/cancel", v.token(), null), 200);
    JsonObject failed = awaitRefund(order, shop.ownerToken(), r -> "FAILED".equals(r.getString("status")));
    assertThat(failed.getString("outcome")).isEqualTo("ABNORMAL");
    assertThat(failed.getString("failure")).contains("ABNORMAL");
    assertThat(failed.getBoolean("retryable")).isTrue();
    assertThat(status(order, v)).as("not every fen is back").isEqualTo("CANCELLED");
    assertThat(ledger(order)).as("the ledger is unchanged").isEqualTo(5980);

    // Staff see it: in the store's failed refunds, the summary's count, and the metric.
    String list = "/api/stores/" + shop.storeId() + "/refunds";
    JsonArray toAct = ApiClient.expect(api.get(list + "?status=FAILED", shop.ownerToken()), 200).json()
        .getJsonArray("refunds");
    assertThat(toAct).singleElement().satisfies(r -> {
      assertThat(((JsonObject) r).getString("id")).isEqualTo(failed.getString("id"));
      assertThat(((JsonObject) r).getString("nickname")).isEqualTo("卡被冻结");
    });
    assertThat(api.get("/api/stores/" + shop.storeId() + "/summary", shop.ownerToken()).json()
        .getLong("failedRefundsToRetry")).isEqualTo(1);
    assertThat(api.get("/metrics", null).text()).contains("linli_refunds_failed_total{outcome=\"ABNORMAL\"}");
    assertThat(api.get(list, v.token()).status()).isEqualTo(403);

    // Only the store's staff retry it, once; the retry is a new refund of what is left.
    String retry = "/api/refunds/" + failed.getString("id") + "/retry";
    assertThat(api.post(retry, v.token(), null).status()).isEqualTo(403);
    assertThat(api.post(retry, onlineShop().ownerToken(), null).status()).isEqualTo(403);
    assertThat(api.post(retry, null, null).status()).isEqualTo(401);
    JsonObject second = ApiClient.expect(api.post(retry, shop.ownerToken(), null), 201).json();
    assertThat(second.getString("retryOf")).isEqualTo(failed.getString("id"));
    assertThat(second.getLong("amountFen")).isEqualTo(5980);
    assertThat(api.post(retry, shop.ownerToken(), null).status()).as("tried again already").isEqualTo(409);
    assertThat(awaitStatus(order, v, "REFUNDED")).isEqualTo("REFUNDED");
    assertThat(ledger(order)).isZero();
    JsonArray refunds = api.get("/api/orders/" + order, shop.ownerToken()).json().getJsonArray("refunds");
    assertThat(refunds).hasSize(2);
    assertThat(refunds.getJsonObject(0).getString("retriedBy")).isEqualTo(second.getString("id"));
    assertThat(refunds.getJsonObject(0).getBoolean("retryable")).isFalse();
    assertThat(refunds.getJsonObject(1).getString("status")).isEqualTo("SUCCEEDED");
    assertThat(api.post("/api/refunds/" + second.getString("id") + "/retry", shop.ownerToken(), null).status())
        .as("a refund that succeeded").isEqualTo(409);
    assertThat(api.get("/api/stores/" + shop.storeId() + "/summary", shop.ownerToken()).json()
        .getLong("failedRefundsToRetry")).isZero();
    assertThat(sandboxRefunded(payment)).as("the provider returned it once").isEqualTo(5980);
  }

  @Test
  void theSweepFindsTheOutcomeOfARefundWhoseNotificationWasLost() {
    ApiClient.Shop shop = onlineShop();
    ApiClient.Viewer v = api.viewer("没收到通知");
    String order = join(shop, v);
    String payment = pay(order, v);
    sandboxSwitch(payment, "outcome=SUCCESS&notify=no");
    ApiClient.expect(api.post("/api/orders/" + order + "/cancel", v.token(), null), 200);
    JsonObject refund = onlyRefund(order, v.token());

    assertThat(queries(refund)).as("not asked about before its notification is due").isZero();
    a.services().commerce().refunds().sweep().await();
    assertThat(queries(refund)).isZero();
    assertThat(ledger(order)).isEqualTo(5980);

    CLOCK.advance(Duration.ofMinutes(2));
    Future.all(a.services().commerce().refunds().sweep(), b.services().commerce().refunds().sweep()).await();
    assertThat(awaitStatus(order, v, "REFUNDED")).isEqualTo("REFUNDED");
    assertThat(ledger(order)).isZero();
    assertThat(queries(refund)).as("one node asked, once").isEqualTo(1);
    // The lost notification turns up after all: the refund is settled, nothing moves.
    ApiClient.expect(api.postForm("/sandbox/pay/" + payment + "/refunds/" + refund.getString("id") + "/notify", ""),
        202);
    OneNodeTest.sleep(300);
    assertThat(refundEntries(Ids.parse(order))).isEqualTo(1);
  }

  @Test
  void aRefundTheProviderNeverReceivedIsAskedForAgainUnderTheSameIdOnce() {
    ApiClient.Shop shop = onlineShop();
    ApiClient.Viewer v = api.viewer("请求丢了");
    String order = join(shop, v);
    String payment = pay(order, v);
    sandboxSwitch(payment, "outcome=SUCCESS&notify=no");
    ApiClient.expect(api.post("/api/orders/" + order + "/cancel", v.token(), null), 200);
    JsonObject refund = onlyRefund(order, v.token());
    // The request was lost on the way: the sandbox has no record of it.
    String key = "sandbox:payment:" + payment;
    a.platform().redis().call(c -> c.hdel(key, "refund:" + refund.getString("id"))).await();
    a.platform().redis().call(c -> c.hincrby(key, "refundedFen", -5980)).await();

    CLOCK.advance(Duration.ofMinutes(2));
    a.services().commerce().refunds().sweep().await();
    // Asked again under the same refund id, accepted; its notification (the switch was used up) settles it.
    assertThat(awaitStatus(order, v, "REFUNDED")).isEqualTo("REFUNDED");
    assertThat(ledger(order)).isZero();
    assertThat(count("select count(*) from refunds where order_id = " + Ids.parse(order))).isEqualTo(1);
    assertThat(sandboxRefunded(payment)).isEqualTo(5980);
  }

  @Test
  void aFailedDealRefundsEveryPaymentExactlyOnceWithTwoNodesSweeping() {
    ApiClient.Shop shop = onlineShop();
    String dealId = ApiClient.expect(api.post("/api/streams/" + shop.streamId() + "/deals", shop.ownerToken(),
        new JsonObject().put("productId", shop.productId()).put("groupPriceFen", 1990).put("threshold", 10)
            .put("countBy", "BUYERS").put("stock", 20).put("perBuyerLimit", 2)
            .put("endsAt", CLOCK.instant().atOffset(ZoneOffset.UTC).plusMinutes(5).toString())), 201).json()
        .getString("id");
    List<String> orders = new ArrayList<>();
    List<String> payments = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ApiClient.Viewer v = api.viewer("邻居" + i);
      String order = ApiClient.expect(api.post("/api/deals/" + dealId + "/join", v.token(),
          new JsonObject().put("quantity", 2)), 201).json().getJsonObject("order").getString("id");
      orders.add(order);
      payments.add(pay(order, v));
      if (i > 0) {
        sandboxSwitch(payments.get(i), "outcome=SUCCESS&notify=no"); // three notifications will be lost
      }
    }
    long paid = 4 * 2 * 1990;
    assertThat(sum(orders)).isEqualTo(paid);

    // The deadline passes for both nodes' deadline sweeps (every second) at once.
    CLOCK.advance(Duration.ofMinutes(6));
    awaitDeal(dealId, "FAILED");
    awaitCount("select count(*) from refunds where order_id in " + ids(orders), 4);
    awaitCount("select count(*) from refunds where status = 'SUCCEEDED' and order_id in " + ids(orders), 1);
    assertThat(sum(orders)).as("paid - refunded, with three outcomes still unknown").isEqualTo(paid - 2 * 1990);

    CLOCK.advance(Duration.ofMinutes(2));
    List<Future<Integer>> sweeps = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sweeps.add(a.services().commerce().refunds().sweep());
      sweeps.add(b.services().commerce().refunds().sweep());
    }
    Future.all(sweeps).await();
    // (A node's own 10-second sweep may have taken a refund first: then it settles it.)
    awaitCount("select count(*) from refunds where status = 'SUCCEEDED' and order_id in " + ids(orders), 4);
    for (String order : orders) {
      assertThat(count("select count(*) from orders where status = 'REFUNDED' and id = " + Ids.parse(order)))
          .isEqualTo(1);
      assertThat(count("select count(*) from refunds where order_id = " + Ids.parse(order))).isEqualTo(1);
      assertThat(refundEntries(Ids.parse(order))).isEqualTo(1);
    }
    assertThat(sum(orders)).isZero();
    assertThat(count("select coalesce(sum(queries), 0) from refunds where order_id in " + ids(orders)))
        .as("each lost outcome asked about once, by one node").isEqualTo(3);
    for (String payment : payments) {
      assertThat(sandboxRefunded(payment)).as("the provider refunded each payment once").isEqualTo(2 * 1990);
    }
  }

  // ---- helpers ----

  private static ApiClient.Shop onlineShop() {
    ApiClient.Shop shop = api.openShop("1390000" + String.format("%04d", 8000 + PHONES.incrementAndGet()), 5,
        "BUYERS", 20, 2);
    api.payOnline(shop, 30);
    return shop;
  }

  /** Two units at 2990 fen: 5980 fen to pay. */
  private static String join(ApiClient.Shop shop, ApiClient.Viewer v) {
    return ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(),
        new JsonObject().put("quantity", 2)), 201).json().getJsonObject("order").getString("id");
  }

  /** Pays on the sandbox page and waits for the notification; answers the payment id. */
  private static String pay(String order, ApiClient.Viewer v) {
    JsonObject payment = ApiClient.expect(api.post("/api/orders/" + order + "/payments", v.token(), null), 201)
        .json();
    ApiClient.expect(api.postForm(payment.getString("payUrl"), "outcome=pay"), 200);
    assertThat(awaitStatus(order, v, "PAID")).isEqualTo("PAID");
    return payment.getString("paymentId");
  }

  /** The sandbox pay page's switch for the payment's next refund. */
  private static void sandboxSwitch(String payment, String form) {
    ApiClient.expect(api.postForm("/sandbox/pay/" + payment + "/next-refund", form), 200);
  }

  private static JsonObject onlyRefund(String order, String token) {
    JsonArray refunds = ApiClient.expect(api.get("/api/orders/" + order, token), 200).json().getJsonArray("refunds");
    assertThat(refunds).hasSize(1);
    return refunds.getJsonObject(0);
  }

  private static JsonObject awaitRefund(String order, String token, Predicate<JsonObject> done) {
    JsonObject last = null;
    for (int i = 0; i < 200 && (last == null || !done.test(last)); i++) {
      OneNodeTest.sleep(25);
      last = onlyRefund(order, token);
    }
    assertThat(done.test(last)).as("refund became " + last).isTrue();
    return last;
  }

  private static String status(String order, ApiClient.Viewer v) {
    return api.orderStatus(order, v);
  }

  private static String awaitStatus(String order, ApiClient.Viewer v, String wanted) {
    return api.awaitOrder(order, v, Duration.ofSeconds(5), wanted);
  }

  private static void awaitDeal(String dealId, String wanted) {
    String status = null;
    for (int i = 0; i < 200 && !wanted.equals(status); i++) {
      OneNodeTest.sleep(50);
      status = api.get("/api/deals/" + dealId, null).json().getString("status");
    }
    assertThat(status).isEqualTo(wanted);
  }

  private static long queries(JsonObject refund) {
    return count("select queries from refunds where id = " + Ids.parse(refund.getString("id")));
  }

  /** The sandbox's signature headers for a body (the client sets the content type itself). */
  private static Map<String, String> signed(String body) {
    Map<String, String> headers = new java.util.HashMap<>(sandbox.signedHeaders(body, "n-" + UUID.randomUUID()));
    headers.remove("Content-Type");
    return headers;
  }

  private static long sum(List<String> orders) {
    return count("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id in " + ids(orders));
  }
}
