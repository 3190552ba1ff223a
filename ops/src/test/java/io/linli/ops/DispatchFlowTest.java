package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.id.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The run to leaders' homes and lockers: packed bags are dispatched ("on its way to <point>"), then arrive; the
 * store's own counter takes its bags straight from packing, and delivered bags never go on this run.
 */
class DispatchFlowTest extends OneNodeTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger PHONES = new AtomicInteger();

  @AfterEach
  void everyLedgerSumsToWhatWasPaidLessRefunds() {
    assertThat(count(Ledgers.UNBALANCED)).as("orders whose ledger does not add up").isZero();
  }

  @Test
  void aPaidBagTravelsToTheLeadersHomeAndTheBuyerHearsEveryStep() {
    ApiClient.Shop shop = shop();
    api.payOnline(shop, 10);
    // The store's systems hear every change too (the receiver need not be up: the outbox row is what counts).
    ApiClient.expect(api.put("/api/stores/" + shop.storeId() + "/webhook", shop.ownerToken(),
        new JsonObject().put("url", "http://127.0.0.1:9/linli")), 200);
    Leader zhang = leader(shop, "张阿姨");
    String home = point(shop, "幸福里3号楼·张阿姨家", "LEADER_HOME", zhang.id());
    ApiClient.Viewer wang = api.viewer("小王");
    RoomClient me = RoomClient.personal(node.port(), "token=" + wang.token());
    RoomClient room = new RoomClient(node.port(), shop.streamId(), wang.token());
    me.await(type("me.ready"), WAIT);
    room.await(type("room.snapshot"), WAIT);

    String order = join(shop, wang, new JsonObject().put("quantity", 2).put("pickupPointId", home));
    pay(order, wang);
    me.await(status("PAID"), WAIT);
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/close", shop.ownerToken(), null), 200);
    me.await(status("CONFIRMED"), WAIT);
    String dispatch = "/api/orders/" + order + "/dispatch";
    assertThat(api.post(dispatch, shop.ownerToken(), null).status()).as("not packed yet").isEqualTo(409);
    ApiClient.expect(api.post("/api/orders/" + order + "/pack", shop.ownerToken(), null), 200);

    assertThat(api.post(dispatch, null, null).status()).isEqualTo(401);
    assertThat(api.post(dispatch, wang.token(), null).status()).as("households do not dispatch").isEqualTo(403);
    assertThat(api.post(dispatch, zhang.token(), null).status()).as("nor do leaders").isEqualTo(403);
    assertThat(api.post(dispatch, shop().ownerToken(), null).status()).as("another store's staff").isEqualTo(403);
    JsonObject sent = ApiClient.expect(api.post(dispatch, shop.ownerToken(), null), 200).json();
    assertThat(sent.getString("status")).isEqualTo("DISPATCHED");
    assertThat(sent.getString("pickupCode")).isNull();
    assertThat(api.post(dispatch, shop.ownerToken(), null).status()).as("once").isEqualTo(409);

    JsonObject onTheWay = me.await(status("DISPATCHED"), WAIT);
    assertThat(onTheWay.getString("reason")).isEqualTo("on its way to 幸福里3号楼·张阿姨家");
    assertThat(onTheWay.getString("pickupPointId")).isEqualTo(home);
    assertThat(onTheWay.getString("by")).isEqualTo("STAFF");
    assertThat(onTheWay.containsKey("pickupCode")).as("no code until it arrives").isFalse();
    assertThat(api.get("/api/orders/" + order, wang.token()).json().getString("pickupCode")).isNull();
    assertThat(api.get("/api/orders/" + order + "/pickup-code.png", wang.token()).status()).isEqualTo(409);

    // The leader sees the bag coming, without its code.
    JsonArray coming = ApiClient.expect(api.get("/api/leader/bags?status=DISPATCHED", zhang.token()), 200).json()
        .getJsonArray("bags");
    assertThat(coming).hasSize(1);
    assertThat(coming.getJsonObject(0).getString("orderId")).isEqualTo(order);
    assertThat(coming.getJsonObject(0).getString("pickupPointName")).isEqualTo("幸福里3号楼·张阿姨家");

    ApiClient.expect(api.post("/api/orders/" + order + "/arrive", shop.ownerToken(), null), 200);
    JsonObject arrived = me.await(status("AT_PICKUP_POINT"), WAIT);
    String code = arrived.getString("pickupCode");
    assertThat(code).matches("\\d{6}").isEqualTo(api.get("/api/orders/" + order, wang.token()).json()
        .getString("pickupCode"));
    assertThat(api.get("/api/leader/bags", zhang.token()).text()).doesNotContain(code);
    ApiClient.expect(api.post("/api/pickup-points/" + home + "/handover", zhang.token(),
        new JsonObject().put("code", code)), 200);
    me.await(status("COMPLETED"), WAIT);
    room.await(status("COMPLETED"), WAIT);
    sleep(300); // anything sent twice would have arrived by now

    List<String> path = List.of("PAID", "CONFIRMED", "PACKED", "DISPATCHED", "AT_PICKUP_POINT", "COMPLETED");
    assertThat(me.frames("order.updated")).extracting(n -> n.getString("status")).as("each step once, in order")
        .containsExactlyElementsOf(path);
    assertThat(room.frames("order.updated")).extracting(n -> n.getString("status")).containsExactlyElementsOf(path);
    JsonArray history = ApiClient.expect(api.get("/api/orders/" + order, shop.ownerToken()), 200).json()
        .getJsonArray("history");
    assertThat(history.stream().map(h -> ((JsonObject) h).getString("status")).toList()).isEqualTo(path);
    JsonObject dispatched = history.getJsonObject(3);
    assertThat(dispatched.getString("from")).isEqualTo("PACKED");
    assertThat(dispatched.getString("reason")).isEqualTo("on its way to 幸福里3号楼·张阿姨家");
    assertThat(dispatched.getJsonObject("by").getString("kind")).isEqualTo("STAFF");
    assertThat(dispatched.getJsonObject("by").getString("id")).as("staff see who").isNotBlank();
    assertThat(dispatched.getString("at")).isNotBlank();
    assertThat(history.getJsonObject(4).getString("from")).isEqualTo("DISPATCHED");
    assertThat(count("select count(*) from webhook_deliveries w join order_events e on e.id = w.event_id"
        + " where e.order_id = " + Ids.parse(order) + " and w.payload->>'from' = 'PACKED'"
        + " and w.payload->>'to' = 'DISPATCHED'")).as("queued for the store's webhook").isEqualTo(1);
    assertThat(count("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = " + Ids.parse(order)))
        .isEqualTo(2 * 2990);
    me.close();
    room.close();
  }

  @Test
  void onlyPickupBagsForLeadersHomesAndLockersGoOnTheRunAndBulkMovesArePerPointAndRepeatable() {
    ApiClient.Shop shop = shop();
    String home = point(shop, "幸福里3号楼·张阿姨家", "LEADER_HOME", null);
    String locker = point(shop, "丰巢柜·幸福里东门", "LOCKER", null);
    ApiClient.expect(api.post("/api/stores/" + shop.storeId() + "/delivery-zones", shop.ownerToken(),
        new JsonObject().put("name", "幸福里片区").put("kind", "COMMUNITIES").put("communities", new JsonArray()
            .add("幸福里")).put("feeFen", 300).put("slots", new JsonArray().add(new JsonObject().put("kind", "ASAP")
            .put("minMinutes", 60).put("maxMinutes", 120)))), 201);
    ApiClient.Viewer a = api.viewer("甲");
    ApiClient.Viewer b = api.viewer("乙");
    ApiClient.Viewer c = api.viewer("丙");
    ApiClient.Viewer d = api.viewer("丁");
    String atHome1 = join(shop, a, new JsonObject().put("quantity", 1).put("pickupPointId", home));
    String atHome2 = join(shop, b, new JsonObject().put("quantity", 2).put("pickupPointId", home));
    String inLocker = join(shop, c, new JsonObject().put("quantity", 1).put("pickupPointId", locker));
    String atCounter = join(shop, d, new JsonObject().put("quantity", 1));
    String delivered = join(shop, api.viewer("戊"), new JsonObject().put("quantity", 1)
        .put("delivery", new JsonObject().put("address", "幸福里9号").put("community", "幸福里")));
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/close", shop.ownerToken(), null), 200);
    awaitStatus(atCounter, d, "CONFIRMED");
    assertThat(advance(shop, "DISPATCHED", null).getInteger("moved")).as("nothing is packed yet").isZero();
    assertThat(advance(shop, "PACKED", null).getInteger("moved")).isEqualTo(5);

    ApiClient.Response door = api.post("/api/orders/" + delivered + "/dispatch", shop.ownerToken(), null);
    assertThat(door.status()).as("a delivery goes out for delivery instead").isEqualTo(409);
    assertThat(door.json().getString("type")).endsWith("/order-status");
    ApiClient.Response counter = api.post("/api/orders/" + atCounter + "/dispatch", shop.ownerToken(), null);
    assertThat(counter.status()).as("nothing travels to the store's own counter").isEqualTo(409);
    assertThat(counter.contentType()).startsWith("application/problem+json");

    JsonObject toLocker = advance(shop, "DISPATCHED", locker);
    assertThat(toLocker.getInteger("moved")).isEqualTo(1);
    assertThat(toLocker.getString("status")).isEqualTo("DISPATCHED");
    assertThat(advance(shop, "DISPATCHED", locker).getInteger("moved")).as("the same call again").isZero();
    assertThat(advance(shop, "DISPATCHED", null).getInteger("moved")).as("the rest of the run: the home's two")
        .isEqualTo(2);
    assertThat(advance(shop, "DISPATCHED", null).getInteger("moved")).isZero();
    assertThat(status(atCounter, d)).isEqualTo("PACKED");
    assertThat(count("select count(*) from orders where id = " + Ids.parse(delivered) + " and status = 'PACKED'"))
        .isEqualTo(1);

    JsonArray onTheRun = ApiClient.expect(api.get("/api/stores/" + shop.storeId() + "/orders?status=DISPATCHED",
        shop.ownerToken()), 200).json().getJsonArray("orders");
    assertThat(onTheRun.stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactlyInAnyOrder(atHome1, atHome2, inLocker);
    JsonObject list = ApiClient.expect(api.get("/api/deals/" + shop.dealId() + "/pick-list", shop.ownerToken()), 200)
        .json();
    JsonObject homeBags = list.getJsonArray("pickupPoints").stream().map(p -> (JsonObject) p)
        .filter(p -> home.equals(p.getString("pickupPointId"))).findFirst().orElseThrow();
    assertThat(homeBags.getInteger("units")).isEqualTo(3);
    assertThat(homeBags.getJsonArray("bags").stream().map(x -> ((JsonObject) x).getString("status")))
        .containsOnly("DISPATCHED");
    assertThat(api.get("/api/deals/" + shop.dealId() + "/pick-list?format=csv", shop.ownerToken()).text())
        .contains(atHome1 + ",甲,,1,DISPATCHED");

    // The counter's bag arrives straight from packing; the others arrive from the run, per point or one by one.
    JsonObject here = ApiClient.expect(api.post("/api/orders/" + atCounter + "/arrive", shop.ownerToken(), null), 200)
        .json();
    assertThat(here.getString("status")).isEqualTo("AT_PICKUP_POINT");
    assertThat(api.get("/api/orders/" + atCounter, d.token()).json().getString("pickupCode")).matches("\\d{6}");
    assertThat(count("select count(*) from order_events where order_id = " + Ids.parse(atCounter)
        + " and from_status = 'PACKED' and to_status = 'AT_PICKUP_POINT'")).isEqualTo(1);
    assertThat(advance(shop, "AT_PICKUP_POINT", home).getInteger("moved")).isEqualTo(2);
    assertThat(api.get("/api/orders/" + atHome2, b.token()).json().getString("pickupCode")).matches("\\d{6}");
    ApiClient.expect(api.post("/api/orders/" + inLocker + "/arrive", shop.ownerToken(), null), 200);
    assertThat(status(inLocker, c)).isEqualTo("AT_PICKUP_POINT");
    assertThat(advance(shop, "AT_PICKUP_POINT", null).getInteger("moved")).as("all arrived; never the delivery")
        .isZero();
    assertThat(count("select count(*) from order_events where order_id in (" + Ids.parse(atHome1) + ", "
        + Ids.parse(atHome2) + ", " + Ids.parse(inLocker) + ") and to_status = 'DISPATCHED' and actor_kind = 'STAFF'"
        + " and reason like 'on its way to %'")).isEqualTo(3);
    assertThat(api.post("/api/deals/" + shop.dealId() + "/fulfillment", shop.ownerToken(),
        new JsonObject().put("to", "COMPLETED")).status()).as("not a bulk step").isEqualTo(400);
  }

  // ---- helpers ----

  private record Leader(String id, String token) {}

  private static ApiClient.Shop shop() {
    return api.openShop("1390009" + String.format("%04d", PHONES.incrementAndGet()), 1, "BUYERS", 20, 2);
  }

  private static Leader leader(ApiClient.Shop shop, String name) {
    String phone = "1370009" + String.format("%04d", PHONES.incrementAndGet());
    JsonObject l = ApiClient.expect(api.post("/api/stores/" + shop.storeId() + "/leaders", shop.ownerToken(),
        new JsonObject().put("name", name).put("phone", phone).put("password", "leader-pass-1")), 201).json();
    String token = ApiClient.expect(api.post("/api/leader-sessions", null, new JsonObject().put("phone", phone)
        .put("password", "leader-pass-1")), 200).json().getString("token");
    return new Leader(l.getString("id"), token);
  }

  private static String point(ApiClient.Shop shop, String name, String kind, String leaderId) {
    JsonObject body = new JsonObject().put("name", name).put("kind", kind).put("address", "幸福里 " + name);
    if (leaderId != null) {
      body.put("leaderId", leaderId);
    }
    return ApiClient.expect(api.post("/api/stores/" + shop.storeId() + "/pickup-points", shop.ownerToken(), body),
        201).json().getString("id");
  }

  private static String join(ApiClient.Shop shop, ApiClient.Viewer v, JsonObject body) {
    return ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(), body), 201).json()
        .getJsonObject("order").getString("id");
  }

  private static JsonObject advance(ApiClient.Shop shop, String to, String pointId) {
    JsonObject body = new JsonObject().put("to", to);
    if (pointId != null) {
      body.put("pickupPointId", pointId);
    }
    return ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/fulfillment", shop.ownerToken(), body), 200)
        .json();
  }

  private static void pay(String order, ApiClient.Viewer v) {
    JsonObject payment = ApiClient.expect(api.post("/api/orders/" + order + "/payments", v.token(), null,
        Map.of("Idempotency-Key", "pay-" + order)), 201).json();
    ApiClient.expect(api.postForm(payment.getString("payUrl"), "outcome=pay"), 200);
  }

  private static String status(String order, ApiClient.Viewer v) {
    return api.orderStatus(order, v);
  }

  private static void awaitStatus(String order, ApiClient.Viewer v, String wanted) {
    assertThat(api.awaitOrder(order, v, wanted)).isEqualTo(wanted);
  }

  private static Predicate<JsonObject> type(String type) {
    return f -> type.equals(f.getString("type"));
  }

  private static Predicate<JsonObject> status(String status) {
    return f -> "order.updated".equals(f.getString("type")) && status.equals(f.getString("status"));
  }
}
