package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.id.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delivery to the door: zones and slots, joins that pay a fee, a slot that fills, the courier's run and handover. */
class DeliveryFlowTest extends OneNodeTest {
  private static final String TOMORROW = LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(1).toString();

  @AfterEach
  void everyLedgerSumsToWhatWasPaidLessRefunds() {
    assertThat(count(Ledgers.UNBALANCED)).as("orders whose ledger does not add up").isZero();
  }

  @Test
  void staffKeepZonesAndEveryBadFieldIsNamed() {
    ApiClient.Shop shop = api.openShop("13900000071", 5, "BUYERS", 10, 1);
    String zones = "/api/stores/" + shop.storeId() + "/delivery-zones";
    ApiClient.Response bad = api.post(zones, shop.ownerToken(), new JsonObject().put("name", "三公里")
        .put("kind", "RADIUS").put("latitude", 100).put("longitude", 121.4).put("radiusMeters", 0).put("feeFen", -1)
        .put("slots", new JsonArray().add(new JsonObject().put("kind", "WINDOW").put("start", "19:00").put("end", "17:00"))
            .add(new JsonObject().put("kind", "ASAP").put("minMinutes", 60).put("maxMinutes", 30))));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.contentType()).startsWith("application/problem+json");
    assertThat(fields(bad)).containsExactlyInAnyOrder("latitude", "radiusMeters", "feeFen", "slots[0].end",
        "slots[1].maxMinutes");
    ApiClient.Response noCommunities = api.post(zones, shop.ownerToken(), communityZone(300, null)
        .put("communities", new JsonArray().add("  ")));
    assertThat(fields(noCommunities)).containsExactly("communities");
    ApiClient.Response noSlots = api.post(zones, shop.ownerToken(), communityZone(300, null).put("slots", new JsonArray()));
    assertThat(fields(noSlots)).containsExactly("slots");
    ApiClient.Response badTime = api.post(zones, shop.ownerToken(), communityZone(300, null).put("slots",
        new JsonArray().add(new JsonObject().put("kind", "WINDOW").put("start", "25:00").put("end", "26:00"))));
    assertThat(fields(badTime)).contains("slots[0].start", "slots[0].end");

    JsonObject zone = ApiClient.expect(api.post(zones, shop.ownerToken(), communityZone(300, 10000)), 201).json();
    assertThat(zone.getJsonArray("communities")).containsExactly("幸福里", "阳光花园");
    assertThat(zone.getJsonArray("slots")).hasSize(2);
    String asapSlot = zone.getJsonArray("slots").getJsonObject(0).getString("id");
    assertThat(zone.getJsonArray("slots").getJsonObject(0).getString("label")).isEqualTo("60–120 min");

    // Keep the ASAP slot, drop the window, add another; then switch the zone off.
    JsonObject update = communityZone(500, null).put("slots", new JsonArray()
        .add(new JsonObject().put("id", asapSlot).put("kind", "ASAP").put("minMinutes", 30).put("maxMinutes", 90))
        .add(new JsonObject().put("kind", "WINDOW").put("start", "09:00").put("end", "11:00")));
    JsonObject updated = ApiClient.expect(api.put("/api/delivery-zones/" + zone.getString("id"), shop.ownerToken(),
        update), 200).json();
    assertThat(updated.getLong("feeFen")).isEqualTo(500);
    assertThat(updated.getJsonArray("slots")).hasSize(2);
    assertThat(updated.getJsonArray("slots").getJsonObject(0).getString("id")).isEqualTo(asapSlot);
    assertThat(updated.getJsonArray("slots").getJsonObject(1).getString("label")).isEqualTo("09:00–11:00");
    ApiClient.Response foreignSlot = api.put("/api/delivery-zones/" + zone.getString("id"), shop.ownerToken(),
        communityZone(500, null).put("slots", new JsonArray().add(new JsonObject().put("id", "0ABCDEFGHJKMN")
            .put("kind", "ASAP").put("minMinutes", 30).put("maxMinutes", 90))));
    assertThat(fields(foreignSlot)).containsExactly("slots[0].id");

    ApiClient.Viewer viewer = api.viewer("邻居");
    assertThat(api.get(zones, viewer.token()).json().getJsonArray("zones")).hasSize(1);
    ApiClient.expect(api.put("/api/delivery-zones/" + zone.getString("id"), shop.ownerToken(),
        update.copy().put("active", false)), 200);
    assertThat(api.get(zones, viewer.token()).json().getJsonArray("zones")).as("households see active zones").isEmpty();
    assertThat(api.get(zones, shop.ownerToken()).json().getJsonArray("zones")).hasSize(1);
    ApiClient.Response offZone = api.post("/api/deals/" + shop.dealId() + "/join", viewer.token(),
        new JsonObject().put("quantity", 1).put("delivery", new JsonObject().put("address", "幸福里3号楼101")
            .put("community", "幸福里")));
    assertThat(fields(offZone)).containsExactly("delivery.community");

    ApiClient.Shop other = api.openShop("13900000072", 5, "BUYERS", 10, 1);
    assertThat(api.post(zones, other.ownerToken(), communityZone(1, null)).status()).isEqualTo(403);
    assertThat(api.put("/api/delivery-zones/" + zone.getString("id"), other.ownerToken(), update).status())
        .isEqualTo(403);
    assertThat(api.get(zones, other.ownerToken()).status()).isEqualTo(403);
    assertThat(api.post(zones, null, communityZone(1, null)).status()).isEqualTo(401);
  }

  @Test
  void aDeliveryJoinPaysItsZoneFeeAndAnAddressOutsideIsRefused() {
    ApiClient.Shop shop = api.openShop("13900000073", 5, "BUYERS", 20, 2);
    JsonObject community = zone(shop, communityZone(500, 100000));
    JsonObject radius = zone(shop, new JsonObject().put("name", "门店三公里").put("kind", "RADIUS")
        .put("latitude", 31.2304).put("longitude", 121.4737).put("radiusMeters", 3000).put("feeFen", 800)
        .put("slots", new JsonArray().add(new JsonObject().put("kind", "ASAP").put("minMinutes", 60).put("maxMinutes", 120))));
    String join = "/api/deals/" + shop.dealId() + "/join";

    ApiClient.Viewer wang = api.viewer("小王");
    JsonObject byCommunity = ApiClient.expect(api.post(join, wang.token(), new JsonObject().put("quantity", 2)
        .put("delivery", new JsonObject().put("address", "3号楼2单元101").put("community", " 阳光花园 ")
            .put("contactPhone", "13812345678"))), 201).json().getJsonObject("order");
    assertThat(byCommunity.getLong("deliveryFeeFen")).isEqualTo(500);
    assertThat(byCommunity.getLong("amountFen")).as("goods + fee").isEqualTo(2 * 2990 + 500);
    JsonObject seen = ApiClient.expect(api.get("/api/orders/" + byCommunity.getString("id"), wang.token()), 200).json();
    assertThat(seen.getString("fulfillment")).isEqualTo("DELIVERY");
    assertThat(seen.getString("pickupPointId")).isNull();
    assertThat(seen.getJsonObject("delivery").getString("address")).isEqualTo("3号楼2单元101");
    assertThat(seen.getJsonObject("delivery").getString("zoneId")).isEqualTo(community.getString("id"));
    assertThat(seen.getJsonObject("delivery").getJsonObject("slot").getString("kind")).isEqualTo("ASAP");

    ApiClient.Viewer li = api.viewer("小李");
    JsonObject byPoint = ApiClient.expect(api.post(join, li.token(), new JsonObject().put("quantity", 1)
        .put("delivery", new JsonObject().put("address", "人民广场1号").put("latitude", 31.2400).put("longitude", 121.4800))),
        201).json().getJsonObject("order");
    assertThat(byPoint.getLong("deliveryFeeFen")).isEqualTo(800);
    assertThat(byPoint.getLong("amountFen")).isEqualTo(2990 + 800);
    assertThat(api.get("/api/orders/" + byPoint.getString("id"), shop.ownerToken()).json()
        .getJsonObject("delivery").getString("zoneId")).isEqualTo(radius.getString("id"));

    ApiClient.Viewer zhao = api.viewer("小赵");
    assertThat(fields(api.post(join, zhao.token(), new JsonObject().put("quantity", 1).put("delivery",
        new JsonObject().put("address", "远方1号").put("community", "别的小区"))))).containsExactly("delivery.community");
    assertThat(fields(api.post(join, zhao.token(), new JsonObject().put("quantity", 1).put("delivery",
        new JsonObject().put("address", "浦东某路").put("latitude", 31.30).put("longitude", 121.60)))))
        .containsExactly("delivery.latitude");
    assertThat(fields(api.post(join, zhao.token(), new JsonObject().put("quantity", 1).put("delivery",
        new JsonObject().put("address", "幸福里1号"))))).containsExactly("delivery.community");
    JsonObject counter = api.get("/api/stores/" + shop.storeId() + "/pickup-points", shop.ownerToken()).json()
        .getJsonArray("pickupPoints").getJsonObject(0);
    ApiClient.Response both = api.post(join, zhao.token(), new JsonObject().put("quantity", 1)
        .put("pickupPointId", counter.getString("id"))
        .put("delivery", new JsonObject().put("address", "幸福里1号").put("community", "幸福里")));
    assertThat(fields(both)).containsExactly("delivery");
    assertThat(fields(api.post(join, zhao.token(), new JsonObject().put("quantity", 1).put("delivery",
        new JsonObject().put("address", "幸福里1号").put("community", "幸福里")
            .put("slotId", radius.getJsonArray("slots").getJsonObject(0).getString("id"))))))
        .as("a slot of a zone that does not cover the address").containsExactly("delivery.slotId");
    assertThat(count("select count(*) from orders where deal_id = " + Ids.parse(shop.dealId()))).isEqualTo(2);
    assertThat(api.get("/api/deals/" + shop.dealId(), null).json().getInteger("joinedBuyers"))
        .as("refused joins hold nothing").isEqualTo(2);

    // A pickup join is as before: no fee, no delivery.
    JsonObject pickup = ApiClient.expect(api.post(join, zhao.token(), new JsonObject().put("quantity", 1)), 201).json()
        .getJsonObject("order");
    assertThat(pickup.getLong("amountFen")).isEqualTo(2990);
    JsonObject pickupSeen = api.get("/api/orders/" + pickup.getString("id"), zhao.token()).json();
    assertThat(pickupSeen.getString("fulfillment")).isEqualTo("PICKUP");
    assertThat(pickupSeen.getLong("deliveryFeeFen")).isZero();

    JsonArray delivered = ApiClient.expect(api.get("/api/stores/" + shop.storeId() + "/orders?fulfillment=DELIVERY",
        shop.ownerToken()), 200).json().getJsonArray("orders");
    assertThat(delivered).hasSize(2);
    assertThat(delivered.getJsonObject(0).getJsonObject("delivery")).isNotNull();
    assertThat(api.get("/api/stores/" + shop.storeId() + "/orders?fulfillment=PICKUP", shop.ownerToken()).json()
        .getJsonArray("orders")).hasSize(1);
  }

  @Test
  void aFullSlotRefusesAndABurstNeverOverbooksIt() {
    ApiClient.Shop shop = api.openShop("13900000074", 50, "BUYERS", 40, 1);
    JsonObject zone = zone(shop, communityZone(0, null).put("slots", new JsonArray()
        .add(new JsonObject().put("kind", "WINDOW").put("start", "17:00").put("end", "19:00").put("capacity", 4))));
    String slot = zone.getJsonArray("slots").getJsonObject(0).getString("id");
    JsonObject delivery = new JsonObject().put("address", "幸福里5号楼").put("community", "幸福里").put("slotId", slot)
        .put("date", TOMORROW);
    String join = "/api/deals/" + shop.dealId() + "/join";

    List<ApiClient.Viewer> households = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      households.add(api.viewer("邻居" + i));
    }
    List<CompletableFuture<ApiClient.Response>> burst = new ArrayList<>();
    for (ApiClient.Viewer h : households) {
      burst.add(api.postAsync(join, h.token(), new JsonObject().put("quantity", 1).put("delivery", delivery),
          Map.of()));
    }
    List<ApiClient.Response> answers = burst.stream().map(CompletableFuture::join).toList();
    assertThat(answers.stream().filter(r -> r.status() == 201).count()).isEqualTo(4);
    ApiClient.Response full = answers.stream().filter(r -> r.status() != 201).findFirst().orElseThrow();
    assertThat(full.status()).isEqualTo(409);
    assertThat(full.json().getString("type")).endsWith("/slot-full");
    assertThat(full.json().getString("detail")).contains("full on " + TOMORROW);
    assertThat(count("select count(*) from order_deliveries where slot_id = " + Ids.parse(slot))).isEqualTo(4);
    assertThat(count("select orders from delivery_slot_bookings where slot_id = " + Ids.parse(slot))).isEqualTo(4);
    assertThat(api.get("/api/deals/" + shop.dealId(), null).json().getInteger("joinedBuyers"))
        .as("refused joins gave their stock back").isEqualTo(4);

    // Another day of the same window still has room; a household withdrawing frees its place.
    ApiClient.expect(api.post(join, api.viewer("后天").token(), new JsonObject().put("quantity", 1)
        .put("delivery", delivery.copy().put("date", LocalDate.parse(TOMORROW).plusDays(1).toString()))), 201);
    int firstIn = 0;
    while (answers.get(firstIn).status() != 201) {
      firstIn++;
    }
    String first = answers.get(firstIn).json().getJsonObject("order").getString("id");
    ApiClient.Viewer late = api.viewer("迟到");
    assertThat(api.post(join, late.token(), new JsonObject().put("quantity", 1).put("delivery", delivery)).status())
        .isEqualTo(409);
    ApiClient.expect(api.post("/api/orders/" + first + "/cancel", households.get(firstIn).token(), null), 200);
    ApiClient.expect(api.post(join, late.token(), new JsonObject().put("quantity", 1).put("delivery", delivery)), 201);
    assertThat(count("select orders from delivery_slot_bookings where slot_id = " + Ids.parse(slot)
        + " and day = '" + TOMORROW + "'")).isEqualTo(4);
    ApiClient.Response passed = api.post(join, api.viewer("昨天").token(), new JsonObject().put("quantity", 1)
        .put("delivery", delivery.copy().put("date", LocalDate.parse(TOMORROW).minusDays(2).toString())));
    assertThat(fields(passed)).containsExactly("delivery.date");
  }

  @Test
  void paidDeliveryIsPackedSentOutAndHandedOverAgainstTheCode() {
    ApiClient.Shop shop = onlineShop("13900000075", 1);
    JsonObject zone = zone(shop, communityZone(600, null));
    String asap = zone.getJsonArray("slots").getJsonObject(0).getString("id");
    ApiClient.Viewer wang = api.viewer("小王", "13812345678");
    JsonObject order = ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", wang.token(),
        new JsonObject().put("quantity", 1).put("delivery", new JsonObject().put("address", "幸福里3号楼2单元101")
            .put("community", "幸福里").put("contactPhone", "13700001234").put("slotId", asap))), 201).json()
        .getJsonObject("order");
    String id = order.getString("id");
    pay(wang, id, 2990 + 600);
    ApiClient.Viewer li = api.viewer("小李", "13987654321");
    String pickupOrder = ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", li.token(),
        new JsonObject().put("quantity", 2)), 201).json().getJsonObject("order").getString("id");
    pay(li, pickupOrder, 2 * 2990);
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/close", shop.ownerToken(), null), 200);
    awaitStatus(id, wang, "CONFIRMED");

    JsonObject pickList = ApiClient.expect(api.get("/api/deals/" + shop.dealId() + "/pick-list", shop.ownerToken()),
        200).json();
    assertThat(pickList.getJsonArray("pickupPoints")).hasSize(1);
    assertThat(pickList.getJsonArray("pickupPoints").getJsonObject(0).getInteger("units")).isEqualTo(2);
    JsonObject deliveries = pickList.getJsonArray("deliveries").getJsonObject(0);
    assertThat(deliveries.getString("slotId")).isEqualTo(asap);
    assertThat(deliveries.getJsonArray("bags").getJsonObject(0).getString("address")).isEqualTo("幸福里3号楼2单元101");
    assertThat(api.get("/api/deals/" + shop.dealId() + "/pick-list?format=csv", shop.ownerToken()).text())
        .contains("送货上门", "幸福里3号楼2单元101", id);

    String out = "/api/orders/" + id + "/out-for-delivery";
    assertThat(api.post(out, shop.ownerToken(), null).status()).as("not packed yet").isEqualTo(409);
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/fulfillment", shop.ownerToken(),
        new JsonObject().put("to", "PACKED")), 200);
    assertThat(api.post("/api/orders/" + id + "/arrive", shop.ownerToken(), null).status())
        .as("a delivery never arrives at a pickup point").isEqualTo(409);
    assertThat(api.post("/api/orders/" + pickupOrder + "/out-for-delivery", shop.ownerToken(), null).status())
        .as("a pickup order never goes out for delivery").isEqualTo(409);
    JsonObject arrived = ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/fulfillment", shop.ownerToken(),
        new JsonObject().put("to", "AT_PICKUP_POINT")), 200).json();
    assertThat(arrived.getInteger("moved")).as("only the pickup bag").isEqualTo(1);
    assertThat(api.get("/api/orders/" + id, wang.token()).json().getString("pickupCode"))
        .as("no code before it goes out").isNull();

    ApiClient.Shop other = onlineShop("13900000076", 1);
    assertThat(api.post(out, other.ownerToken(), null).status()).isEqualTo(403);
    JsonObject sent = ApiClient.expect(api.post(out, shop.ownerToken(), null), 200).json();
    assertThat(sent.getString("status")).isEqualTo("OUT_FOR_DELIVERY");
    assertThat(sent.getString("pickupCode")).as("staff never see the code").isNull();
    String code = api.get("/api/orders/" + id, wang.token()).json().getString("pickupCode");
    assertThat(code).matches("\\d{6}");
    assertThat(api.get("/api/orders/" + id + "/pickup-code.png", wang.token()).status()).isEqualTo(200);

    // The courier's run sheet: where, whom to call, what; never the code.
    String sheetUrl = "/api/stores/" + shop.storeId() + "/delivery-slots/" + asap + "/run-sheet";
    JsonObject sheet = ApiClient.expect(api.get(sheetUrl, shop.ownerToken()), 200).json();
    assertThat(sheet.getString("label")).isEqualTo("60–120 min");
    JsonObject stop = sheet.getJsonArray("stops").getJsonObject(0);
    assertThat(sheet.getJsonArray("stops")).hasSize(1);
    assertThat(stop.getString("address")).isEqualTo("幸福里3号楼2单元101");
    assertThat(stop.getString("phoneTail")).as("the contact phone given at join").isEqualTo("1234");
    assertThat(stop.getLong("amountFen")).isEqualTo(2990 + 600);
    assertThat(stop.getJsonArray("items").getJsonObject(0).getString("product")).isEqualTo("土鸡蛋 30枚");
    assertThat(sheet.encode()).doesNotContain(code);
    ApiClient.Response csv = ApiClient.expect(api.get(sheetUrl + "?format=csv", shop.ownerToken()), 200);
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(api.download(sheetUrl + "?format=csv", shop.ownerToken())
        .headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d)
        .startsWith("attachment; filename=\"delivery-run-" + asap).endsWith(".csv\""));
    List<String> lines = ApiClient.csv(csv).lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).isEqualTo("slot,date,stop,community,address,nickname,phone_tail,order_id,product,"
        + "quantity,status,amount_fen");
    assertThat(lines.get(1)).contains("幸福里3号楼2单元101", "1234", id, "土鸡蛋 30枚", "OUT_FOR_DELIVERY", "3590")
        .doesNotContain(code);
    assertThat(api.get(sheetUrl, other.ownerToken()).status()).isEqualTo(403);
    assertThat(api.get("/api/stores/" + other.storeId() + "/delivery-slots/" + asap + "/run-sheet",
        other.ownerToken()).status()).as("another store's slot").isEqualTo(404);

    String delivered = "/api/orders/" + id + "/delivered";
    String wrong = code.equals("000000") ? "000001" : "000000";
    ApiClient.Response wrongTry = api.post(delivered, shop.ownerToken(), new JsonObject().put("code", wrong));
    assertThat(fields(wrongTry)).containsExactly("code");
    assertThat(api.post(delivered, other.ownerToken(), new JsonObject().put("code", code)).status()).isEqualTo(403);
    JsonObject done = ApiClient.expect(api.post(delivered, shop.ownerToken(), new JsonObject().put("code", code)), 200)
        .json();
    assertThat(done.getString("status")).isEqualTo("COMPLETED");
    ApiClient.Response again = api.post(delivered, shop.ownerToken(), new JsonObject().put("code", code));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().getString("type")).endsWith("/code-used");
    assertThat(api.get(sheetUrl, shop.ownerToken()).json().getJsonArray("stops")).as("nothing left to deliver").isEmpty();
    assertThat(count("select count(*) from order_events where order_id = " + Ids.parse(id)
        + " and actor_kind = 'STAFF' and to_status in ('PACKED', 'OUT_FOR_DELIVERY', 'COMPLETED')")).isEqualTo(3);
    assertThat(count("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = " + Ids.parse(id)))
        .isEqualTo(2990 + 600);
  }

  @Test
  void wrongCodesLockTheDeliveryAndStaffMayVouchInstead() {
    ApiClient.Shop shop = api.openShop("13900000077", 1, "BUYERS", 10, 1);
    zone(shop, communityZone(300, null));
    ApiClient.Viewer v = api.viewer("小孙");
    String id = ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(), new JsonObject()
        .put("quantity", 1).put("delivery", new JsonObject().put("address", "幸福里9号").put("community", "幸福里"))),
        201).json().getJsonObject("order").getString("id");
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/close", shop.ownerToken(), null), 200);
    awaitStatus(id, v, "CONFIRMED");
    String delivered = "/api/orders/" + id + "/delivered";
    assertThat(api.post(delivered, shop.ownerToken(), null).status()).as("not out yet").isEqualTo(409);
    ApiClient.expect(api.post("/api/orders/" + id + "/pack", shop.ownerToken(), null), 200);
    ApiClient.expect(api.post("/api/orders/" + id + "/out-for-delivery", shop.ownerToken(), null), 200);
    String code = api.get("/api/orders/" + id, v.token()).json().getString("pickupCode");
    int locked = 0;
    for (int i = 0; i < 22; i++) {
      String guess = String.format("%06d", i);
      if (guess.equals(code)) {
        continue;
      }
      int status = api.post(delivered, shop.ownerToken(), new JsonObject().put("code", guess)).status();
      if (status == 429) {
        locked++;
      } else {
        assertThat(status).isEqualTo(422);
      }
    }
    assertThat(locked).isPositive();
    assertThat(api.post(delivered, shop.ownerToken(), new JsonObject().put("code", code)).status())
        .as("even the right code waits out the lock").isEqualTo(429);
    JsonObject done = ApiClient.expect(api.post(delivered, shop.ownerToken(), null), 200).json();
    assertThat(done.getString("status")).isEqualTo("COMPLETED");
    assertThat(count("select count(*) from order_events where order_id = " + Ids.parse(id)
        + " and reason = 'marked delivered by staff'")).isEqualTo(1);
  }

  @Test
  void aFailedDealRefundsGoodsAndFee() {
    ApiClient.Shop shop = onlineShop("13900000078", 5);
    zone(shop, communityZone(700, null));
    String dealId = ApiClient.expect(api.post("/api/streams/" + shop.streamId() + "/deals", shop.ownerToken(),
        new JsonObject().put("productId", shop.productId()).put("groupPriceFen", 1990).put("threshold", 5)
            .put("countBy", "BUYERS").put("stock", 10).put("perBuyerLimit", 1)
            .put("endsAt", OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(4).toString())), 201).json().getString("id");
    ApiClient.Viewer v = api.viewer("小周");
    String id = ApiClient.expect(api.post("/api/deals/" + dealId + "/join", v.token(), new JsonObject()
        .put("quantity", 1).put("delivery", new JsonObject().put("address", "幸福里2号").put("community", "幸福里"))),
        201).json().getJsonObject("order").getString("id");
    pay(v, id, 1990 + 700);
    awaitStatus(id, v, "REFUNDED");
    assertThat(count("select coalesce(sum(amount_fen), 0) from refunds where status = 'SUCCEEDED' and order_id = "
        + Ids.parse(id))).as("goods and fee back").isEqualTo(1990 + 700);
    assertThat(count("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = " + Ids.parse(id)))
        .isZero();
  }

  @Test
  void aLowerTierRefundsGoodsOnlyAndTheFeeStays() {
    ApiClient.Shop shop = onlineShop("13900000079", 5);
    zone(shop, communityZone(500, null));
    String dealId = ApiClient.expect(api.post("/api/streams/" + shop.streamId() + "/deals", shop.ownerToken(),
        new JsonObject().put("productId", shop.productId()).put("groupPriceFen", 2990).put("threshold", 1)
            .put("countBy", "BUYERS").put("stock", 10).put("perBuyerLimit", 1)
            .put("tiers", new JsonArray().add(new JsonObject().put("minCount", 2).put("priceFen", 2490)))
            .put("endsAt", OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).toString())), 201).json().getString("id");
    ApiClient.Viewer a = api.viewer("甲");
    String delivered = ApiClient.expect(api.post("/api/deals/" + dealId + "/join", a.token(), new JsonObject()
        .put("quantity", 1).put("delivery", new JsonObject().put("address", "幸福里8号").put("community", "幸福里"))),
        201).json().getJsonObject("order").getString("id");
    pay(a, delivered, 2990 + 500);
    ApiClient.Viewer b = api.viewer("乙");
    String pickup = ApiClient.expect(api.post("/api/deals/" + dealId + "/join", b.token(),
        new JsonObject().put("quantity", 1)), 201).json().getJsonObject("order").getString("id");
    pay(b, pickup, api.get("/api/orders/" + pickup, b.token()).json().getLong("amountFen"));
    ApiClient.expect(api.post("/api/deals/" + dealId + "/close", shop.ownerToken(), null), 200);

    long refunded = 0;
    for (int i = 0; i < 100 && refunded == 0; i++) {
      sleep(50);
      refunded = count("select coalesce(sum(amount_fen), 0) from refunds where status = 'SUCCEEDED' and order_id = "
          + Ids.parse(delivered));
    }
    assertThat(refunded).as("only the goods got cheaper").isEqualTo(2990 - 2490);
    JsonObject order = api.get("/api/orders/" + delivered, a.token()).json();
    assertThat(order.getLong("deliveryFeeFen")).isEqualTo(500);
    assertThat(order.getLong("amountFen")).isEqualTo(2490 + 500);
    assertThat(count("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = "
        + Ids.parse(delivered))).isEqualTo(2490 + 500);
  }

  // ---- helpers ----

  private static JsonObject communityZone(long feeFen, Integer freeFromFen) {
    JsonObject z = new JsonObject().put("name", "幸福里片区").put("kind", "COMMUNITIES")
        .put("communities", new JsonArray().add("幸福里").add("阳光花园").add("幸福里 ")).put("feeFen", feeFen)
        .put("slots", new JsonArray()
            .add(new JsonObject().put("kind", "ASAP").put("minMinutes", 60).put("maxMinutes", 120))
            .add(new JsonObject().put("kind", "WINDOW").put("start", "17:00").put("end", "19:00").put("capacity", 30)));
    if (freeFromFen != null) {
      z.put("freeFromFen", freeFromFen);
    }
    return z;
  }

  private static JsonObject zone(ApiClient.Shop shop, JsonObject body) {
    return ApiClient.expect(api.post("/api/stores/" + shop.storeId() + "/delivery-zones", shop.ownerToken(), body),
        201).json();
  }

  private static List<String> fields(ApiClient.Response r) {
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    return r.json().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")).toList();
  }

  private static ApiClient.Shop onlineShop(String phone, int threshold) {
    ApiClient.Shop shop = api.openShop(phone, threshold, "BUYERS", 10, 2);
    api.payOnline(shop, 10);
    return shop;
  }

  private static void pay(ApiClient.Viewer v, String orderId, long expectedFen) {
    JsonObject payment = ApiClient.expect(api.post("/api/orders/" + orderId + "/payments", v.token(), null,
        Map.of("Idempotency-Key", "pay-" + orderId)), 201).json();
    assertThat(payment.getLong("amountFen")).isEqualTo(expectedFen);
    ApiClient.expect(api.postForm(payment.getString("payUrl"), "outcome=pay"), 200);
    long paid = 0;
    for (int i = 0; i < 100 && paid == 0; i++) {
      sleep(50);
      paid = count("select count(*) from ledger_entries where kind = 'PAYMENT' and order_id = " + Ids.parse(orderId));
    }
    assertThat(paid).isEqualTo(1);
  }

  private static void awaitStatus(String orderId, ApiClient.Viewer v, String status) {
    assertThat(api.awaitOrder(orderId, v, status)).isEqualTo(status);
  }
}
