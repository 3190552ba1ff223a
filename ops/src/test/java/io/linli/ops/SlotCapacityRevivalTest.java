package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.id.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A delivery slot that takes N orders a day is never overbooked by a late payment: a cancelled delivery order gave
 * its place back, so the payment that revives it must take one again, and gets its money back (goods and fee) when
 * the slot filled up meanwhile. The same rule as a pickup point's daily capacity (PickupCapacityTest).
 */
class SlotCapacityRevivalTest extends ClockedNodeTest {
  private static final String TOMORROW = LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(1).toString();
  @AfterEach
  void everyLedgerSumsToWhatWasPaidLessRefunds() {
    assertThat(count(Ledgers.UNBALANCED)).as("orders whose ledger does not add up").isZero();
  }

  @Test
  void aLatePaymentTakesItsSlotAgainOrIsRefundedWhenTheSlotFilledUp() {
    ApiClient.Shop shop = api.openShop("13900007001", 50, "BUYERS", 40, 2);
    api.payOnline(shop, 10);
    JsonArray slots = ApiClient.expect(api.post("/api/stores/" + shop.storeId() + "/delivery-zones",
        shop.ownerToken(), new JsonObject().put("name", "幸福里片区").put("kind", "COMMUNITIES")
            .put("communities", new JsonArray().add("幸福里")).put("feeFen", 300)
            .put("slots", new JsonArray()
                .add(new JsonObject().put("kind", "WINDOW").put("start", "17:00").put("end", "19:00")
                    .put("capacity", 2))
                .add(new JsonObject().put("kind", "WINDOW").put("start", "09:00").put("end", "11:00")
                    .put("capacity", 1)))), 201).json().getJsonArray("slots");
    String evening = slot(slots, "17:00–19:00");
    String morning = slot(slots, "09:00–11:00");
    ApiClient.Viewer a = api.viewer("阿甲");
    ApiClient.Viewer b = api.viewer("阿乙");
    ApiClient.Viewer d = api.viewer("阿丁");
    String aOrder = join(shop, a, 1, evening);
    String bOrder = join(shop, b, 1, evening);
    String dOrder = join(shop, d, 2, morning);
    String aPay = api.payUrl(aOrder, a);
    String dPay = api.payUrl(dOrder, d);
    ApiClient.expect(api.postForm(api.payUrl(bOrder, b), "outcome=pay"), 200);
    assertThat(api.awaitOrder(bOrder, b, "PAID")).isEqualTo("PAID");
    assertThat(booked(evening)).isEqualTo(2);
    assertThat(booked(morning)).isEqualTo(1);

    // The windows of 阿甲 and 阿丁 lapse: their places go back, and 阿丙 takes the evening's.
    CLOCK.advance(Duration.ofMinutes(11));
    assertThat(api.awaitOrder(aOrder, a, "CANCELLED")).isEqualTo("CANCELLED");
    assertThat(api.awaitOrder(dOrder, d, "CANCELLED")).isEqualTo("CANCELLED");
    assertThat(booked(evening)).isEqualTo(1);
    assertThat(booked(morning)).isZero();
    join(shop, api.viewer("阿丙"), 1, evening);
    assertThat(booked(evening)).isEqualTo(2);

    ApiClient.expect(api.postForm(aPay, "outcome=pay"), 200);
    assertThat(api.awaitOrder(aOrder, a, "REFUNDED")).as("the evening slot is full again").isEqualTo("REFUNDED");
    assertThat(count("select coalesce(sum(amount_fen), 0) from refunds where order_id = " + Ids.parse(aOrder)
        + " and reason = 'LATE_PAYMENT' and status = 'SUCCEEDED'")).as("goods and fee back").isEqualTo(2990 + 300);
    assertThat(booked(evening)).as("never more than its capacity").isEqualTo(2);
    assertThat(count("select count(*) from orders o join order_deliveries od on od.order_id = o.id"
        + " where od.slot_id = " + Ids.parse(evening) + " and o.status not in ('CANCELLED', 'REFUNDED')"))
        .isEqualTo(2);

    ApiClient.expect(api.postForm(dPay, "outcome=pay"), 200);
    assertThat(api.awaitOrder(dOrder, d, "PAID")).as("the morning slot still had its place").isEqualTo("PAID");
    assertThat(booked(morning)).isEqualTo(1);
    assertThat(count("select count(*) from order_events where order_id = " + Ids.parse(dOrder)
        + " and from_status = 'CANCELLED' and to_status = 'PAID' and reason = 'revived by a late payment'"))
        .isEqualTo(1);
    assertThat(count("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = " + Ids.parse(dOrder)))
        .isEqualTo(2 * 2990 + 300);
    ApiClient.Response full = api.post("/api/deals/" + shop.dealId() + "/join", api.viewer("阿戊").token(),
        delivery(1, morning));
    assertThat(full.status()).isEqualTo(409);
    assertThat(full.json().getString("type")).endsWith("/slot-full");
    JsonObject deal = api.get("/api/deals/" + shop.dealId(), null).json();
    assertThat(deal.getInteger("committedBuyers")).as("阿乙 and 阿丁 paid").isEqualTo(2);
    assertThat(deal.getInteger("joinedUnits")).as("阿乙, 阿丙 (waiting to pay) and 阿丁's two").isEqualTo(4);
  }

  // ---- helpers ----

  private static JsonObject delivery(int quantity, String slotId) {
    return new JsonObject().put("quantity", quantity).put("delivery", new JsonObject().put("address", "幸福里5号楼")
        .put("community", "幸福里").put("slotId", slotId).put("date", TOMORROW));
  }

  private static String slot(JsonArray slots, String label) {
    return slots.stream().map(s -> (JsonObject) s).filter(s -> label.equals(s.getString("label"))).findFirst()
        .orElseThrow().getString("id");
  }

  private static String join(ApiClient.Shop shop, ApiClient.Viewer v, int quantity, String slotId) {
    return ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(), delivery(quantity, slotId)),
        201).json().getJsonObject("order").getString("id");
  }

  private static long booked(String slotId) {
    return count("select coalesce((select orders from delivery_slot_bookings where slot_id = " + Ids.parse(slotId)
        + " and day = '" + TOMORROW + "'), 0)");
  }
}
