package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A phone pays after its payment window lapsed, through the sandbox pay page: the order comes back when the deal
 * still has room (the room sees it counted and the group form), and the money goes back when it has none.
 */
class LatePaymentFlowTest extends ClockedNodeTest {
  private static ApiClient.Shop onlineShop(String phone, int threshold, int stock) {
    ApiClient.Shop shop = api.openShop(phone, threshold, "BUYERS", stock, 2);
    api.payOnline(shop, 10);
    return shop;
  }

  private static String join(ApiClient.Shop shop, ApiClient.Viewer v, int quantity) {
    return ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(),
        new JsonObject().put("quantity", quantity)), 201).json().getJsonObject("order").getString("id");
  }

  /** The hold sweep runs every second on the node's clock: move it past the window and wait for the sweep. */
  private static void letTheWindowLapse(String orderId, ApiClient.Viewer v) {
    CLOCK.advance(Duration.ofMinutes(11));
    assertThat(api.awaitOrder(orderId, v, Duration.ofSeconds(5), "CANCELLED")).isEqualTo("CANCELLED");
  }

  @Test
  void paidAfterTheWindowLapsedTheOrderComesBackAndTheGroupForms() {
    ApiClient.Shop shop = onlineShop("13900000081", 2, 10);
    ApiClient.Viewer early = api.viewer("准时");
    String earlyOrder = join(shop, early, 1);
    ApiClient.expect(api.postForm(api.payUrl(earlyOrder, early), "outcome=pay"), 200);
    assertThat(api.awaitOrder(earlyOrder, early, Duration.ofSeconds(5), "PAID")).isEqualTo("PAID");

    ApiClient.Viewer late = api.viewer("迟到");
    String lateOrder = join(shop, late, 2);
    String lateUrl = api.payUrl(lateOrder, late);
    letTheWindowLapse(lateOrder, late);

    try (RoomClient phone = new RoomClient(node.port(), shop.streamId(), early.token())) {
      JsonObject before = phone.await(f -> "room.snapshot".equals(f.getString("type")), Duration.ofSeconds(5))
          .getJsonArray("deals").getJsonObject(0);
      assertThat(before.getInteger("remaining")).as("the lapsed units went back on sale").isEqualTo(9);
      ApiClient.expect(api.postForm(lateUrl, "outcome=pay"), 200);
      assertThat(api.awaitOrder(lateOrder, late, Duration.ofSeconds(5), "PAID", "CONFIRMED")).isIn("PAID", "CONFIRMED");
      phone.await(f -> "deal.formed".equals(f.getString("type")), Duration.ofSeconds(5));
      assertThat(phone.awaitDeal(shop.dealId(), d -> d.getInteger("committedBuyers") == 2, Duration.ofSeconds(5))
          .getInteger("remaining")).isEqualTo(7);
    }
    JsonObject deal = api.get("/api/deals/" + shop.dealId(), early.token()).json();
    assertThat(deal.getString("status")).isEqualTo("FORMED");
    assertThat(deal.getInteger("committedBuyers")).isEqualTo(2);
    assertThat(deal.getInteger("remaining")).isEqualTo(7);
    assertThat(count("select sold_units from deals where id = " + io.linli.core.id.Ids.parse(shop.dealId())))
        .isEqualTo(3);
    assertThat(count("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = "
        + io.linli.core.id.Ids.parse(lateOrder))).isEqualTo(2 * 2990);
    assertThat(count("select count(*) from refunds where order_id = " + io.linli.core.id.Ids.parse(lateOrder)))
        .isZero();
  }

  @Test
  void paidAfterTheWindowLapsedAndTheStockWasSoldTheMoneyGoesBack() {
    ApiClient.Shop shop = onlineShop("13900000082", 5, 2);
    ApiClient.Viewer late = api.viewer("迟到");
    String lateOrder = join(shop, late, 2);
    String lateUrl = api.payUrl(lateOrder, late);
    letTheWindowLapse(lateOrder, late);
    ApiClient.Viewer quick = api.viewer("捡漏");
    join(shop, quick, 2);

    ApiClient.expect(api.postForm(lateUrl, "outcome=pay"), 200);
    assertThat(api.awaitOrder(lateOrder, late, Duration.ofSeconds(5), "REFUNDED")).isEqualTo("REFUNDED");
    long id = io.linli.core.id.Ids.parse(lateOrder);
    assertThat(count("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = " + id)).isZero();
    assertThat(count("select count(*) from refunds where order_id = " + id + " and reason = 'LATE_PAYMENT'"))
        .isEqualTo(1);
    JsonObject deal = api.get("/api/deals/" + shop.dealId(), late.token()).json();
    assertThat(deal.getInteger("remaining")).isZero();
    assertThat(deal.getInteger("joinedUnits")).isEqualTo(2);
  }
}
