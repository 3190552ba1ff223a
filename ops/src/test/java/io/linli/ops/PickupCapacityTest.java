package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.id.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A leader's hallway or a locker with N compartments takes at most N bags a day (the day the deals close, in the
 * store's time zone): a burst never overbooks it, a refused household holds nothing anywhere, a cancellation frees
 * a place, another day has its own places, and a late payment takes a place again or gets its money back.
 */
class PickupCapacityTest extends ClockedNodeTest {
  private static final AtomicInteger PHONES = new AtomicInteger();
  @AfterEach
  void everyLedgerSumsToWhatWasPaidLessRefunds() {
    assertThat(count(Ledgers.UNBALANCED)).as("orders whose ledger does not add up").isZero();
  }

  @Test
  void aBurstFillsThePointExactlyAndTheRefusedHoldNothing() {
    ApiClient.Shop shop = shop(false);
    String locker = point(shop, "丰巢柜·幸福里东门", "LOCKER", 3);
    List<ApiClient.Viewer> households = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      households.add(api.viewer("邻居" + i));
    }
    // 20 households choose the locker and, among them, 10 collect at the counter: they share the writer's batches.
    List<CompletableFuture<ApiClient.Response>> toLocker = new ArrayList<>();
    List<CompletableFuture<ApiClient.Response>> toCounter = new ArrayList<>();
    for (int i = 0; i < households.size(); i++) {
      boolean counter = i % 3 == 2;
      JsonObject body = new JsonObject().put("quantity", 1);
      if (!counter) {
        body.put("pickupPointId", locker);
      }
      (counter ? toCounter : toLocker).add(api.postAsync("/api/deals/" + shop.dealId() + "/join",
          households.get(i).token(), body, Map.of()));
    }
    List<ApiClient.Response> answers = toLocker.stream().map(CompletableFuture::join).toList();
    assertThat(toCounter.stream().map(CompletableFuture::join)).as("the rest of each batch is committed")
        .allSatisfy(r -> assertThat(r.status()).as(r.text()).isEqualTo(201));
    assertThat(answers).hasSize(20);
    assertThat(answers.stream().filter(r -> r.status() == 201).count()).as("the locker's 3 compartments").isEqualTo(3);
    List<ApiClient.Response> refused = answers.stream().filter(r -> r.status() != 201).toList();
    assertThat(refused).hasSize(17).allSatisfy(r -> {
      assertThat(r.status()).as(r.text()).isEqualTo(409);
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.json().getString("type")).endsWith("/pickup-point-full");
      assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("pickupPointId");
    });
    LocalDate day = closingDay(shop.dealId());
    assertThat(refused.get(0).json().getString("detail")).contains(day.toString());

    // The record, Redis and the room's counts agree: 13 households, 13 units, nothing in flight.
    assertThat(bags(locker, day)).isEqualTo(3);
    assertCountsAgree(shop.dealId(), 13);

    // The counter and points without a capacity take any number, and never touch the bookings.
    String hallway = point(shop, "幸福里3号楼·张阿姨家", "LEADER_HOME", null);
    for (int i = 0; i < 4; i++) {
      join(shop, api.viewer("走廊" + i), new JsonObject().put("quantity", 1).put("pickupPointId", hallway));
      join(shop, api.viewer("门店" + i), new JsonObject().put("quantity", 1));
    }
    assertThat(count("select count(*) from pickup_point_bookings b join pickup_points p on p.id = b.pickup_point_id"
        + " where p.store_id = " + Ids.parse(shop.storeId()))).as("one row: the locker's day").isEqualTo(1);
    assertThat(count("select count(*) from orders where deal_id = " + Ids.parse(shop.dealId())
        + " and pickup_booked_day is not null")).isEqualTo(3);
    assertCountsAgree(shop.dealId(), 21);

    JsonObject listed = pointIn(shop, locker);
    assertThat(listed.getInteger("dailyCapacity")).isEqualTo(3);
    assertThat(listed.getJsonArray("upcoming")).containsExactly(new JsonObject().put("date", day.toString())
        .put("taken", 3).put("left", 0));
    assertThat(pointIn(shop, hallway).containsKey("upcoming")).as("no capacity, nothing to fill").isFalse();
  }

  @Test
  void aCancellationFreesAPlaceAndAnotherDayHasItsOwn() {
    ApiClient.Shop shop = shop(false);
    String home = point(shop, "幸福里5号楼·李叔家", "LEADER_HOME", 3);
    List<ApiClient.Viewer> first = new ArrayList<>();
    List<String> orders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      first.add(api.viewer("甲" + i));
      orders.add(join(shop, first.get(i), new JsonObject().put("quantity", 1).put("pickupPointId", home)));
    }
    ApiClient.Viewer late = api.viewer("迟到");
    JsonObject atHome = new JsonObject().put("quantity", 1).put("pickupPointId", home);
    assertThat(api.post("/api/deals/" + shop.dealId() + "/join", late.token(), atHome).status()).isEqualTo(409);
    ApiClient.expect(api.post("/api/orders/" + orders.get(1) + "/cancel", first.get(1).token(), null), 200);
    LocalDate day = closingDay(shop.dealId());
    assertThat(bags(home, day)).as("the withdrawn bag's place is free").isEqualTo(2);
    join(shop, late, atHome);
    assertThat(bags(home, day)).isEqualTo(3);
    ApiClient.Response full = api.post("/api/deals/" + shop.dealId() + "/join", api.viewer("再迟到").token(), atHome);
    assertThat(full.status()).isEqualTo(409);
    assertThat(full.json().getString("type")).endsWith("/pickup-point-full");
    assertCountsAgree(shop.dealId(), 3);

    // A deal closing the day after has its own 3 places at the same point.
    String nextDeal = ApiClient.expect(api.post("/api/streams/" + shop.streamId() + "/deals", shop.ownerToken(),
        new JsonObject().put("productId", shop.productId()).put("groupPriceFen", 1990).put("threshold", 50)
            .put("countBy", "BUYERS").put("stock", 40).put("perBuyerLimit", 1)
            .put("endsAt", OffsetDateTime.now(ZoneOffset.ofHours(8)).plusDays(2).toString())), 201).json()
        .getString("id");
    LocalDate nextDay = closingDay(nextDeal);
    assertThat(nextDay).isEqualTo(day.plusDays(1));
    for (int i = 0; i < 3; i++) {
      ApiClient.expect(api.post("/api/deals/" + nextDeal + "/join", api.viewer("乙" + i).token(), atHome), 201);
    }
    assertThat(api.post("/api/deals/" + nextDeal + "/join", api.viewer("乙3").token(), atHome).status())
        .isEqualTo(409);
    assertThat(bags(home, day)).isEqualTo(3);
    assertThat(bags(home, nextDay)).isEqualTo(3);
    assertThat(pointIn(shop, home).getJsonArray("upcoming")).containsExactly(
        new JsonObject().put("date", day.toString()).put("taken", 3).put("left", 0),
        new JsonObject().put("date", nextDay.toString()).put("taken", 3).put("left", 0));
    assertCountsAgree(nextDeal, 3);

    // A deal that fails gives every place back.
    ApiClient.expect(api.post("/api/deals/" + nextDeal + "/close", shop.ownerToken(), null), 200);
    assertThat(api.get("/api/deals/" + nextDeal, null).json().getString("status")).isEqualTo("FAILED");
    assertThat(bags(home, nextDay)).isZero();
    assertThat(pointIn(shop, home).getJsonArray("upcoming")).hasSize(1);
  }

  @Test
  void aLatePaymentTakesAPlaceAgainOrIsRefundedWhenThePointFilledUp() {
    ApiClient.Shop shop = shop(true);
    String hallway = point(shop, "幸福里3号楼·张阿姨家", "LEADER_HOME", 2);
    String locker = point(shop, "丰巢柜·幸福里东门", "LOCKER", 1);
    LocalDate day = closingDay(shop.dealId());
    ApiClient.Viewer a = api.viewer("阿甲");
    ApiClient.Viewer b = api.viewer("阿乙");
    ApiClient.Viewer d = api.viewer("阿丁");
    String aOrder = join(shop, a, new JsonObject().put("quantity", 1).put("pickupPointId", hallway));
    String bOrder = join(shop, b, new JsonObject().put("quantity", 1).put("pickupPointId", hallway));
    String dOrder = join(shop, d, new JsonObject().put("quantity", 2).put("pickupPointId", locker));
    String aPay = api.payUrl(aOrder, a);
    String dPay = api.payUrl(dOrder, d);
    ApiClient.expect(api.postForm(api.payUrl(bOrder, b), "outcome=pay"), 200);
    assertThat(api.awaitOrder(bOrder, b, "PAID")).isEqualTo("PAID");

    // The windows of 阿甲 and 阿丁 lapse: their places go back, and 阿丙 takes the hallway's.
    CLOCK.advance(Duration.ofMinutes(11));
    assertThat(api.awaitOrder(aOrder, a, "CANCELLED")).isEqualTo("CANCELLED");
    assertThat(api.awaitOrder(dOrder, d, "CANCELLED")).isEqualTo("CANCELLED");
    assertThat(bags(hallway, day)).isEqualTo(1);
    assertThat(bags(locker, day)).isZero();
    join(shop, api.viewer("阿丙"), new JsonObject().put("quantity", 1).put("pickupPointId", hallway));

    ApiClient.expect(api.postForm(aPay, "outcome=pay"), 200);
    assertThat(api.awaitOrder(aOrder, a, "REFUNDED")).as("the hallway is full again").isEqualTo("REFUNDED");
    assertThat(count("select count(*) from refunds where order_id = " + Ids.parse(aOrder)
        + " and reason = 'LATE_PAYMENT' and status = 'SUCCEEDED'")).isEqualTo(1);
    assertThat(bags(hallway, day)).isEqualTo(2);

    ApiClient.expect(api.postForm(dPay, "outcome=pay"), 200);
    assertThat(api.awaitOrder(dOrder, d, "PAID")).as("the locker still had its place").isEqualTo("PAID");
    assertThat(bags(locker, day)).isEqualTo(1);
    assertThat(count("select count(*) from order_events where order_id = " + Ids.parse(dOrder)
        + " and from_status = 'CANCELLED' and to_status = 'PAID' and reason = 'revived by a late payment'"))
        .isEqualTo(1);
    assertThat(count("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = " + Ids.parse(dOrder)))
        .isEqualTo(2 * 2990);
    ApiClient.Response full = api.post("/api/deals/" + shop.dealId() + "/join", api.viewer("阿戊").token(),
        new JsonObject().put("quantity", 1).put("pickupPointId", locker));
    assertThat(full.status()).isEqualTo(409);
    assertThat(full.json().getString("type")).endsWith("/pickup-point-full");
    JsonObject deal = api.get("/api/deals/" + shop.dealId(), null).json();
    assertThat(deal.getInteger("committedBuyers")).as("阿乙 and 阿丁 paid").isEqualTo(2);
    assertThat(deal.getInteger("joinedUnits")).as("阿乙, 阿丙 (waiting to pay) and 阿丁's two").isEqualTo(4);
  }

  @Test
  void theStoresOwnCounterTakesEveryBag() {
    ApiClient.Shop shop = shop(false);
    ApiClient.Response counter = api.post("/api/stores/" + shop.storeId() + "/pickup-points", shop.ownerToken(),
        new JsonObject().put("name", "门店").put("kind", "STORE").put("address", "幸福里1号").put("dailyCapacity", 5));
    assertThat(counter.status()).isEqualTo(422);
    assertThat(counter.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("dailyCapacity");
    ApiClient.Response zero = api.post("/api/stores/" + shop.storeId() + "/pickup-points", shop.ownerToken(),
        new JsonObject().put("name", "柜").put("kind", "LOCKER").put("address", "幸福里1号").put("dailyCapacity", 0));
    assertThat(zero.status()).isEqualTo(400);
    assertThat(api.post("/api/stores/" + shop.storeId() + "/pickup-points", shop().ownerToken(),
        new JsonObject().put("name", "柜").put("kind", "LOCKER").put("address", "幸福里1号").put("dailyCapacity", 2))
        .status()).as("another store's staff").isEqualTo(403);
    JsonObject store = api.get("/api/stores/" + shop.storeId() + "/pickup-points", shop.ownerToken()).json()
        .getJsonArray("pickupPoints").getJsonObject(0);
    assertThat(store.getString("kind")).isEqualTo("STORE");
    assertThat(store.getInteger("dailyCapacity")).isNull();
  }

  // ---- helpers ----

  private static ApiClient.Shop shop() {
    return shop(false);
  }

  /** A deal that does not form on these few joins (threshold 50), one unit per household. */
  private static ApiClient.Shop shop(boolean online) {
    ApiClient.Shop shop = api.openShop("1390008" + String.format("%04d", PHONES.incrementAndGet()), 50, "BUYERS", 40,
        online ? 2 : 1);
    if (online) {
      api.payOnline(shop, 10);
    }
    return shop;
  }

  private static String point(ApiClient.Shop shop, String name, String kind, Integer capacity) {
    JsonObject body = new JsonObject().put("name", name).put("kind", kind).put("address", "幸福里 " + name);
    if (capacity != null) {
      body.put("dailyCapacity", capacity);
    }
    return ApiClient.expect(api.post("/api/stores/" + shop.storeId() + "/pickup-points", shop.ownerToken(), body),
        201).json().getString("id");
  }

  private static JsonObject pointIn(ApiClient.Shop shop, String pointId) {
    JsonArray points = ApiClient.expect(api.get("/api/stores/" + shop.storeId() + "/pickup-points",
        shop.ownerToken()), 200).json().getJsonArray("pickupPoints");
    return points.stream().map(p -> (JsonObject) p).filter(p -> pointId.equals(p.getString("id"))).findFirst()
        .orElseThrow();
  }

  private static String join(ApiClient.Shop shop, ApiClient.Viewer v, JsonObject body) {
    return ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(), body), 201).json()
        .getJsonObject("order").getString("id");
  }

  /** The store-local date of the deal's end, as the deal shows it (in the store's offset). */
  private static LocalDate closingDay(String dealId) {
    return OffsetDateTime.parse(api.get("/api/deals/" + dealId, null).json().getString("endsAt")).toLocalDate();
  }

  private static long bags(String pointId, LocalDate day) {
    return count("select coalesce((select bags from pickup_point_bookings where pickup_point_id = "
        + Ids.parse(pointId) + " and day = '" + day + "'), 0)");
  }

  /**
   * The deal's counts as everyone sees them (Redis, GET /api/deals) equal the record's (orders and
   * sold_units), and no reservation is left in flight.
   */
  private static void assertCountsAgree(String dealId, int households) {
    long id = Ids.parse(dealId);
    long inflight = -1;
    for (int i = 0; i < 100 && inflight != 0; i++) {
      inflight = node.platform().redis().call(c -> c.zcard("gb:{deal:" + id + "}:inflight")).await();
      if (inflight != 0) {
        OneNodeTest.sleep(50);
      }
    }
    assertThat(inflight).as("reservations in flight").isZero();
    JsonObject deal = api.get("/api/deals/" + dealId, null).json();
    assertThat(deal.getInteger("joinedBuyers")).isEqualTo(households)
        .isEqualTo((int) count("select count(distinct viewer_id) from orders where status <> 'CANCELLED'"
            + " and deal_id = " + id));
    assertThat(deal.getInteger("joinedUnits")).isEqualTo(households)
        .isEqualTo((int) count("select sold_units from deals where id = " + id))
        .isEqualTo((int) count("select count(*) from orders where status <> 'CANCELLED' and deal_id = " + id));
    assertThat(deal.getInteger("committedBuyers")).isEqualTo(households);
    assertThat(deal.getInteger("remaining")).isEqualTo(40 - households);
  }
}
