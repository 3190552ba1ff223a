package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Paying in the stream, as a phone does it: join, open the pay page, tap pay, see the order paid. */
class PaymentFlowTest extends OneNodeTest {

  @Test
  void payOnTheSandboxPageAndTheSignedNotificationMarksTheOrderPaid() {
    Placed placed = joinOnline("13900000051", "小王", 2);
    ApiClient.Viewer v = placed.viewer();
    JsonObject order = placed.order();
    assertThat(order.getString("status")).isEqualTo("PENDING_PAYMENT");

    JsonObject payment = ApiClient.expect(api.post("/api/orders/" + order.getString("id") + "/payments", v.token(),
        null, Map.of("Idempotency-Key", "p1")), 201).json();
    ApiClient.Response page = ApiClient.expect(api.get(payment.getString("payUrl"), null), 200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.text()).contains("¥59.80").contains("value=\"pay\"");

    ApiClient.expect(api.postForm(payment.getString("payUrl"), "outcome=pay"), 200);
    assertThat(api.awaitOrder(order.getString("id"), v, Duration.ofSeconds(5), "PAID", "CONFIRMED"))
        .isIn("PAID", "CONFIRMED");
    // Pressing pay again on the same page pays nothing twice.
    assertThat(api.postForm(payment.getString("payUrl"), "outcome=pay").status()).isEqualTo(409);
    assertThat(count("select coalesce(sum(amount_fen), 0) from ledger_entries")).isEqualTo(5980);
  }

  @Test
  void thePayPageTakesNoFormOverItsOwnSmallLimitAndTheOrderStaysUnpaid() {
    Placed placed = joinOnline("13900000052", "小李", 1);
    ApiClient.Viewer v = placed.viewer();
    String order = placed.order().getString("id");
    JsonObject payment = ApiClient.expect(api.post("/api/orders/" + order + "/payments", v.token(), null), 201).json();

    ApiClient.Response r = api.postForm(payment.getString("payUrl"), "outcome=pay&note=" + "x".repeat(2048));

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(ApiClient.expect(api.get("/api/orders/" + order, v.token()), 200).json().getString("status"))
        .isEqualTo("PENDING_PAYMENT");
  }

  @Test
  void aForgedNotificationIsRefused() {
    ApiClient.Response r = api.post("/api/payments/sandbox/notify", null, new JsonObject().put("eventId", "e")
        .put("paymentId", "0ABCDEFGHJKMN").put("outcome", "SUCCESS").put("amountFen", 100));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.contentType()).startsWith("application/problem+json");
  }

  private record Placed(ApiClient.Viewer viewer, JsonObject order) {}

  /** A household's join in a store that takes payment online (10 minutes to pay): the order waits for its payment. */
  private Placed joinOnline(String ownerPhone, String nickname, int quantity) {
    ApiClient.Shop shop = api.openShop(ownerPhone, 1, "BUYERS", 10, 2);
    api.payOnline(shop, 10);
    ApiClient.Viewer v = api.viewer(nickname);
    JsonObject order = ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(),
        new JsonObject().put("quantity", quantity)), 201).json().getJsonObject("order");
    return new Placed(v, order);
  }
}
