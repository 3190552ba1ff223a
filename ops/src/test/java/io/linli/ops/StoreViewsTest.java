package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The shop's own view: orders filtered and found by phone tail, and the day's summary. */
class StoreViewsTest extends OneNodeTest {

  @Test
  void ordersAreFilteredFoundAndSummed() {
    ApiClient.Shop shop = api.openShop("13900000071", 5, "BUYERS", 20, 3);
    String[] phones = {"13811110001", "13822220002", "13833330003"};
    for (int i = 0; i < phones.length; i++) {
      JsonObject v = ApiClient.expect(api.post("/api/viewers", null,
          new JsonObject().put("nickname", "邻居" + i).put("phone", phones[i])), 201).json();
      ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.getString("token"),
          new JsonObject().put("quantity", i + 1)), 201);
    }
    String orders = "/api/stores/" + shop.storeId() + "/orders";
    JsonArray all = ApiClient.expect(api.get(orders, shop.ownerToken()), 200).json().getJsonArray("orders");
    assertThat(all).hasSize(3);
    assertThat(all.getJsonObject(0).getString("nickname")).as("newest first").isEqualTo("邻居2");

    JsonArray byTail = api.get(orders + "?phoneTail=0002", shop.ownerToken()).json().getJsonArray("orders");
    assertThat(byTail).hasSize(1);
    assertThat(byTail.getJsonObject(0).getInteger("quantity")).isEqualTo(2);
    assertThat(api.get(orders + "?status=CONFIRMED", shop.ownerToken()).json().getJsonArray("orders")).isEmpty();
    String today = LocalDate.now(ZoneId.of("Asia/Shanghai")).toString();
    assertThat(api.get(orders + "?dealId=" + shop.dealId() + "&date=" + today, shop.ownerToken()).json()
        .getJsonArray("orders")).hasSize(3);
    JsonObject page = api.get(orders + "?limit=2", shop.ownerToken()).json();
    assertThat(page.getJsonArray("orders")).hasSize(2);
    assertThat(api.get(orders + "?limit=2&before=" + page.getString("next"), shop.ownerToken()).json()
        .getJsonArray("orders")).hasSize(1);

    JsonObject summary = ApiClient.expect(api.get("/api/stores/" + shop.storeId() + "/summary?date=" + today,
        shop.ownerToken()), 200).json();
    assertThat(summary.getLong("orders")).isEqualTo(3);
    assertThat(summary.getLong("households")).isEqualTo(3);
    assertThat(summary.getLong("gmvFen")).isEqualTo((1 + 2 + 3) * 2990);
    assertThat(summary.getLong("refundsFen")).isZero();

    assertThat(api.get(orders + "?date=yesterday", shop.ownerToken()).status()).isEqualTo(400);
    ApiClient.Shop other = api.openShop("13900000072", 5, "BUYERS", 20, 2);
    assertThat(api.get(orders, other.ownerToken()).status()).isEqualTo(403);
  }
}
