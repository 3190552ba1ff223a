package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.id.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A household's own order notices: on its personal socket and its room socket, on whichever node they are, once
 * each, nobody else's; missed ones again after a reconnect, and the same over HTTP for the order page.
 */
class BuyerNoticesTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static Node a;
  private static Node b;
  private static ApiClient apiA;
  private static ApiClient apiB;

  @BeforeAll
  static void start() {
    String database = TestNode.freshDatabase();
    a = TestNode.start(database, Map.of("LINLI_NODE_ID", "node-a"));
    b = TestNode.start(database, Map.of("LINLI_NODE_ID", "node-b"));
    apiA = new ApiClient(a.port());
    apiB = new ApiClient(b.port());
  }

  @AfterAll
  static void stop() {
    for (Node n : new Node[] {a, b}) {
      if (n != null) {
        n.close().await();
      }
    }
  }

  @Test
  void everyChangeReachesTheBuyerOnlyOnEveryOfTheirSocketsOnEveryNodeOnce() {
    ApiClient.Shop shop = apiA.openShop("13900000081", 1, "BUYERS", 10, 2);
    apiA.payOnline(shop, 10);
    ApiClient.Viewer wang = apiA.viewer("小王");
    ApiClient.Viewer li = apiA.viewer("小李");

    // 小王 watches the stream through node A and keeps his personal socket on node B; 小李 is on node A.
    RoomClient wangMe = RoomClient.personal(b.port(), "token=" + wang.token());
    RoomClient wangRoom = new RoomClient(a.port(), shop.streamId(), wang.token());
    RoomClient liMe = RoomClient.personal(a.port(), "token=" + li.token());
    JsonObject ready = wangMe.await(type("me.ready"), WAIT);
    assertThat(ready.getJsonObject("you").getString("id")).isEqualTo(wang.id());
    liMe.await(type("me.ready"), WAIT);
    wangRoom.await(type("room.snapshot"), WAIT);

    String wangOrder = join(shop, wang, 2);
    String liOrder = join(shop, li, 1);
    JsonObject payment = ApiClient.expect(apiA.post("/api/orders/" + wangOrder + "/payments", wang.token(), null,
        Map.of("Idempotency-Key", "pay-1")), 201).json();
    ApiClient.expect(apiA.postForm(payment.getString("payUrl"), "outcome=pay"), 200);
    wangMe.await(status("PAID"), WAIT);
    JsonObject liPayment = ApiClient.expect(apiB.post("/api/orders/" + liOrder + "/payments", li.token(), null,
        Map.of("Idempotency-Key", "pay-2")), 201).json();
    ApiClient.expect(apiB.postForm(liPayment.getString("payUrl"), "outcome=pay"), 200);
    liMe.await(status("PAID"), WAIT);

    ApiClient.expect(apiA.post("/api/deals/" + shop.dealId() + "/close", shop.ownerToken(), null), 200);
    wangMe.await(status("CONFIRMED"), WAIT);
    ApiClient.expect(apiA.post("/api/orders/" + wangOrder + "/pack", shop.ownerToken(), null), 200);
    ApiClient.expect(apiA.post("/api/orders/" + wangOrder + "/arrive", shop.ownerToken(), null), 200);
    JsonObject arrived = wangMe.await(status("AT_PICKUP_POINT"), WAIT);
    JsonObject order = ApiClient.expect(apiA.get("/api/orders/" + wangOrder, wang.token()), 200).json();
    assertThat(arrived.getString("pickupCode")).matches("\\d{6}").isEqualTo(order.getString("pickupCode"));
    assertThat(arrived.getString("pickupPointId")).isEqualTo(order.getString("pickupPointId"));
    ApiClient.expect(apiA.post("/api/pickup-points/" + order.getString("pickupPointId") + "/handover",
        shop.ownerToken(), new JsonObject().put("code", arrived.getString("pickupCode"))), 200);
    wangMe.await(status("COMPLETED"), WAIT);
    wangRoom.await(status("COMPLETED"), WAIT);
    OneNodeTest.sleep(500); // anything sent twice would have arrived by now

    List<String> path = List.of("PAID", "CONFIRMED", "PACKED", "AT_PICKUP_POINT", "COMPLETED");
    List<JsonObject> personal = wangMe.frames("order.updated");
    assertThat(personal).extracting(n -> n.getString("status")).as("node B, once each, in order")
        .containsExactlyElementsOf(path);
    assertThat(personal).allMatch(n -> wangOrder.equals(n.getString("orderId"))
        && shop.dealId().equals(n.getString("dealId")));
    assertThat(personal).extracting(n -> n.getLong("eventId")).isSorted().doesNotHaveDuplicates();
    assertThat(personal.get(0).getString("from")).isEqualTo("PENDING_PAYMENT");
    assertThat(personal.get(2).getString("by")).isEqualTo("STAFF");
    JsonObject last = personal.get(4);
    assertThat(last.getLong("paidFen") - last.getLong("refundedFen")).as("the ledger: paid minus refunded")
        .isEqualTo(ledger(wangOrder)).isEqualTo(last.getLong("amountFen"));
    assertThat(last.containsKey("pickupCode")).as("a code only while the bag waits").isFalse();

    List<JsonObject> inRoom = wangRoom.frames("order.updated");
    assertThat(inRoom).extracting(n -> n.getString("status")).containsExactlyElementsOf(path);
    assertThat(inRoom).as("personal frames carry no room seq").allMatch(n -> !n.containsKey("seq"));
    assertThat(inRoom.get(3).getString("pickupCode")).isEqualTo(arrived.getString("pickupCode"));

    // 小李 hears his own order paid and confirmed, and nothing of 小王's.
    liMe.await(status("CONFIRMED"), WAIT);
    assertThat(liMe.frames("order.updated")).extracting(n -> n.getString("status"))
        .containsExactly("PAID", "CONFIRMED");
    assertThat(liMe.frames("order.updated")).allMatch(n -> liOrder.equals(n.getString("orderId")));
    JsonObject liLast = liMe.frames("order.updated").get(1);
    assertThat(liLast.getLong("paidFen") - liLast.getLong("refundedFen")).isEqualTo(ledger(liOrder))
        .isEqualTo(liLast.getLong("amountFen"));
    assertThat(liMe.frames().toString()).doesNotContain(wangOrder).doesNotContain(arrived.getString("pickupCode"));

    // The order page: the same events over HTTP, and the order's history (who, when, why).
    JsonObject read = ApiClient.expect(apiB.get("/api/me/order-events", wang.token()), 200).json();
    assertThat(read.getBoolean("truncated")).isFalse();
    assertThat(read.getJsonArray("events").stream().map(e -> (JsonObject) e).toList())
        .extracting(e -> e.getLong("eventId"))
        .containsExactlyElementsOf(personal.stream().map(n -> n.getLong("eventId")).toList());
    JsonArray events = read.getJsonArray("events");
    JsonObject afterConfirmed = ApiClient.expect(apiB.get("/api/me/order-events?after="
        + personal.get(1).getLong("eventId") + "&limit=2", wang.token()), 200).json();
    assertThat(afterConfirmed.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("status")))
        .containsExactly("PACKED", "AT_PICKUP_POINT");
    assertThat(afterConfirmed.getBoolean("truncated")).isTrue();
    assertThat(events.getJsonObject(3).getString("pickupCode")).as("the code is spent once handed over").isNull();

    JsonArray history = ApiClient.expect(apiA.get("/api/orders/" + wangOrder, wang.token()), 200).json()
        .getJsonArray("history");
    assertThat(history.stream().map(h -> ((JsonObject) h).getString("status")).toList()).isEqualTo(path);
    JsonObject packed = history.getJsonObject(2);
    assertThat(packed.getString("from")).isEqualTo("CONFIRMED");
    assertThat(packed.getJsonObject("by").getString("kind")).isEqualTo("STAFF");
    assertThat(packed.getJsonObject("by").containsKey("id")).as("buyers see that staff acted, not who").isFalse();
    assertThat(packed.getString("reason")).isNotBlank();
    assertThat(packed.getString("at")).isNotBlank();
    JsonObject staffView = ApiClient.expect(apiA.get("/api/orders/" + wangOrder, shop.ownerToken()), 200).json();
    assertThat(staffView.getJsonArray("history").getJsonObject(2).getJsonObject("by").getString("id")).isNotBlank();
    assertThat(apiA.get("/api/orders/" + wangOrder, li.token()).status()).isEqualTo(403);

    wangMe.close();
    wangRoom.close();
    liMe.close();
  }

  @Test
  void aReconnectingPhoneGetsExactlyWhatItMissedThenLiveOnes() {
    ApiClient.Shop shop = apiA.openShop("13900000082", 1, "BUYERS", 10, 2);
    ApiClient.Viewer zhao = apiA.viewer("小赵");
    RoomClient phone = RoomClient.personal(a.port(), "token=" + zhao.token());
    phone.await(type("me.ready"), WAIT);
    String order = join(shop, zhao, 1); // the group forms with this one
    ApiClient.expect(apiA.post("/api/deals/" + shop.dealId() + "/close", shop.ownerToken(), null), 200);
    long confirmed = phone.await(status("CONFIRMED"), WAIT).getLong("eventId");
    phone.close();
    OneNodeTest.sleep(200);

    // While the phone is away (a tunnel, a lift): packed and arrived, through the other node.
    ApiClient.expect(apiB.post("/api/orders/" + order + "/pack", shop.ownerToken(), null), 200);
    ApiClient.expect(apiB.post("/api/orders/" + order + "/arrive", shop.ownerToken(), null), 200);

    RoomClient back = RoomClient.personal(b.port(), "token=" + zhao.token() + "&after=" + confirmed);
    JsonObject replayed = back.await(type("notices.replayed"), WAIT);
    assertThat(replayed.getInteger("count")).isEqualTo(2);
    assertThat(replayed.getBoolean("truncated")).isFalse();
    assertThat(back.frames("order.updated")).extracting(n -> n.getString("status"))
        .containsExactly("PACKED", "AT_PICKUP_POINT");
    String code = back.frames("order.updated").get(1).getString("pickupCode");
    assertThat(code).matches("\\d{6}");

    JsonObject view = apiA.get("/api/orders/" + order, zhao.token()).json();
    ApiClient.expect(apiA.post("/api/pickup-points/" + view.getString("pickupPointId") + "/handover",
        shop.ownerToken(), new JsonObject().put("code", code)), 200);
    back.await(status("COMPLETED"), WAIT);
    OneNodeTest.sleep(300);
    assertThat(back.frames("order.updated")).extracting(n -> n.getString("status"))
        .containsExactly("PACKED", "AT_PICKUP_POINT", "COMPLETED");
    assertThat(ledger(order)).as("pay on pickup: no money moved online").isZero();

    // resume on an open socket replays from any point, again without repeats of what it holds.
    back.send(new JsonObject().put("type", "resume").put("after", confirmed));
    OneNodeTest.sleep(300);
    assertThat(back.frames("notices.replayed")).hasSize(2);
    assertThat(back.frames("order.updated")).hasSize(3);
    back.close();
  }

  @Test
  void aRefundThatLeavesTheStatusAsItWasIsToldToTheHouseholdAndReplayedAfterAReconnect() {
    ApiClient.Shop shop = apiA.openShop("13900000084", 1, "BUYERS", 10, 2);
    apiA.payOnline(shop, 10);
    String dealId = ApiClient.expect(apiA.post("/api/streams/" + shop.streamId() + "/deals", shop.ownerToken(),
        new JsonObject().put("productId", shop.productId()).put("groupPriceFen", 2990).put("threshold", 1)
            .put("countBy", "BUYERS").put("stock", 10).put("perBuyerLimit", 1)
            .put("tiers", new JsonArray().add(new JsonObject().put("minCount", 2).put("priceFen", 2490)))
            .put("endsAt", java.time.OffsetDateTime.now().plusDays(1).toString())), 201).json().getString("id");
    ApiClient.Viewer wang = apiA.viewer("小王");
    ApiClient.Viewer li = apiA.viewer("小李");
    RoomClient wangMe = RoomClient.personal(b.port(), "token=" + wang.token());
    RoomClient wangRoom = new RoomClient(a.port(), shop.streamId(), wang.token());
    RoomClient liMe = RoomClient.personal(a.port(), "token=" + li.token());
    wangMe.await(type("me.ready"), WAIT);
    wangRoom.await(type("room.snapshot"), WAIT);
    liMe.await(type("me.ready"), WAIT);

    String wangOrder = joinDeal(dealId, wang);
    pay(wangOrder, wang, "pay-w");
    long confirmed = wangMe.await(status("CONFIRMED"), WAIT).getLong("eventId"); // the group formed with him
    String liOrder = joinDeal(dealId, li);
    String liPayment = pay(liOrder, li, "pay-l");
    liMe.await(status("PAID"), WAIT);
    // 小李's bank cannot take the money back (the sandbox's switch for his payment's next refund).
    ApiClient.expect(apiA.postForm("/sandbox/pay/" + liPayment + "/next-refund", "outcome=ABNORMAL"), 200);
    wangMe.close(); // 小王's phone goes into a lift

    // The deal closes at the second tier: each household gets 500 fen back, and no order changes status for it.
    ApiClient.expect(apiA.post("/api/deals/" + dealId + "/close", shop.ownerToken(), null), 200);
    JsonObject inRoom = wangRoom.await(type("order.refund"), WAIT);
    assertThat(inRoom.getString("orderId")).isEqualTo(wangOrder);
    assertThat(inRoom.containsKey("seq")).as("personal frames carry no room seq").isFalse();
    JsonObject refund = inRoom.getJsonObject("refund");
    assertThat(refund.getString("status")).isEqualTo("SUCCEEDED");
    assertThat(refund.getString("reason")).isEqualTo("TIER_PRICE");
    assertThat(refund.getLong("amountFen")).isEqualTo(500);
    assertThat(refund.getString("id")).isEqualTo(ApiClient.expect(apiA.get("/api/orders/" + wangOrder, wang.token()),
        200).json().getJsonArray("refunds").getJsonObject(0).getString("id"));
    assertThat(inRoom.getLong("paidFen") - inRoom.getLong("refundedFen")).as("the ledger: paid minus refunded")
        .isEqualTo(ledger(wangOrder)).isEqualTo(2490);
    assertThat(inRoom.getLong("eventId")).isGreaterThan(confirmed);

    JsonObject failed = liMe.await(type("order.refund"), WAIT);
    assertThat(failed.getString("orderId")).isEqualTo(liOrder);
    assertThat(failed.getJsonObject("refund").getString("status")).isEqualTo("FAILED");
    assertThat(failed.getJsonObject("refund").getString("outcome")).isEqualTo("ABNORMAL");
    assertThat(failed.getJsonObject("refund").getString("failure")).contains("ABNORMAL");
    assertThat(failed.getLong("paidFen") - failed.getLong("refundedFen")).as("nothing came back")
        .isEqualTo(ledger(liOrder)).isEqualTo(2990);

    // Back from the lift, on the other node: the refund notice is replayed from the record, once.
    RoomClient back = RoomClient.personal(b.port(), "token=" + wang.token() + "&after=" + confirmed);
    assertThat(back.await(type("notices.replayed"), WAIT).getInteger("count")).isEqualTo(1);
    assertThat(back.frames("order.refund")).singleElement()
        .satisfies(n -> assertThat(n.getLong("eventId")).isEqualTo(inRoom.getLong("eventId")));
    assertThat(back.frames("order.updated")).as("his order's status did not change").isEmpty();
    JsonArray overHttp = ApiClient.expect(apiB.get("/api/me/order-events?after=" + confirmed, wang.token()), 200)
        .json().getJsonArray("events");
    assertThat(overHttp).singleElement().satisfies(e -> assertThat(((JsonObject) e).getString("type"))
        .isEqualTo("order.refund"));
    OneNodeTest.sleep(300);
    assertThat(wangRoom.frames("order.refund")).as("once per socket").hasSize(1);
    assertThat(liMe.frames("order.refund")).hasSize(1);
    assertThat(liMe.frames().toString()).doesNotContain(wangOrder);
    assertThat(ApiClient.expect(apiA.get("/api/orders/" + wangOrder, wang.token()), 200).json()
        .getJsonArray("history").stream().map(h -> ((JsonObject) h).getString("status")).toList())
        .as("the history is status changes only").containsExactly("PAID", "CONFIRMED");
    back.close();
    wangRoom.close();
    liMe.close();
  }

  @Test
  void strangersAndStaffAreRefused() {
    ApiClient.Shop shop = apiA.openShop("13900000083", 1, "BUYERS", 10, 2);
    assertThat(RoomClient.personal(a.port(), null).closeCode(WAIT)).isEqualTo(4401);
    assertThat(RoomClient.personal(a.port(), "token=not-a-token").closeCode(WAIT)).isEqualTo(4401);
    assertThat(RoomClient.personal(b.port(), "token=" + shop.ownerToken()).closeCode(WAIT)).isEqualTo(4403);
    ApiClient.Viewer v = apiA.viewer("小孙");
    assertThat(RoomClient.personal(a.port(), "token=" + v.token() + "&after=-3").closeCode(WAIT)).isEqualTo(4400);

    assertThat(apiA.get("/api/me/order-events", null).status()).isEqualTo(401);
    assertThat(apiA.get("/api/me/order-events", shop.ownerToken()).status()).isEqualTo(403);
    ApiClient.Response bad = apiA.get("/api/me/order-events?after=-1", v.token());
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.contentType()).startsWith("application/problem+json");
    JsonObject none = ApiClient.expect(apiA.get("/api/me/order-events", v.token()), 200).json();
    assertThat(none.getJsonArray("events")).isEmpty();
  }

  private static String join(ApiClient.Shop shop, ApiClient.Viewer v, int quantity) {
    return ApiClient.expect(apiA.post("/api/deals/" + shop.dealId() + "/join", v.token(),
        new JsonObject().put("quantity", quantity)), 201).json().getJsonObject("order").getString("id");
  }

  private static String joinDeal(String dealId, ApiClient.Viewer v) {
    return ApiClient.expect(apiA.post("/api/deals/" + dealId + "/join", v.token(),
        new JsonObject().put("quantity", 1)), 201).json().getJsonObject("order").getString("id");
  }

  /** Pays on node A's sandbox page; answers the payment id. */
  private static String pay(String orderId, ApiClient.Viewer v, String key) {
    JsonObject payment = ApiClient.expect(apiA.post("/api/orders/" + orderId + "/payments", v.token(), null,
        Map.of("Idempotency-Key", key)), 201).json();
    ApiClient.expect(apiA.postForm(payment.getString("payUrl"), "outcome=pay"), 200);
    return payment.getString("paymentId");
  }

  private static long ledger(String orderId) {
    return a.platform().pool().query("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = "
        + Ids.parse(orderId)).execute().await().iterator().next().getLong(0);
  }

  private static Predicate<JsonObject> type(String type) {
    return f -> type.equals(f.getString("type"));
  }

  private static Predicate<JsonObject> status(String status) {
    return f -> "order.updated".equals(f.getString("type")) && status.equals(f.getString("status"));
  }
}
