package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node restarted on the same data finds its stores, deals and orders, with counts that agree. */
class RestartTest {

  @Test
  void dataAndCountsSurviveARestart() {
    String database = TestNode.freshDatabase();
    Node first = TestNode.start(database);
    ApiClient api = new ApiClient(first.port());
    ApiClient.Shop shop = api.openShop("13900000006", 5, "UNITS", 30, 5);
    ApiClient.Viewer v = api.viewer("小王");
    String orderId = ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(),
        new JsonObject().put("quantity", 3), Map.of("Idempotency-Key", "before")), 201)
        .json().getJsonObject("order").getString("id");
    first.close().await();

    Node second = TestNode.start(database);
    try {
      ApiClient again = new ApiClient(second.port());
      JsonObject deal = ApiClient.expect(again.get("/api/deals/" + shop.dealId(), null), 200).json();
      assertThat(deal.getString("status")).isEqualTo("OPEN");
      assertThat(deal.getInteger("joinedUnits")).isEqualTo(3);
      assertThat(deal.getInteger("remaining")).isEqualTo(27);
      JsonObject order = ApiClient.expect(again.get("/api/orders/" + orderId, v.token()), 200).json();
      assertThat(order.getInteger("quantity")).isEqualTo(3);
      // The staff can still sign in, and the same viewer's retry is still recognised.
      ApiClient.expect(again.post("/api/sessions", null,
          new JsonObject().put("phone", "13900000006").put("password", "password-123")), 200);
      JsonObject retried = ApiClient.expect(again.post("/api/deals/" + shop.dealId() + "/join", v.token(),
          new JsonObject().put("quantity", 3), Map.of("Idempotency-Key", "before")), 201).json();
      assertThat(retried.getJsonObject("order").getString("id")).isEqualTo(orderId);
      ApiClient.expect(again.post("/api/deals/" + shop.dealId() + "/join", v.token(),
          new JsonObject().put("quantity", 2), Map.of("Idempotency-Key", "after")), 201);
      assertThat(again.get("/api/deals/" + shop.dealId(), null).json().getInteger("committedUnits")).isEqualTo(5);
    } finally {
      second.close().await();
    }
  }

  @Test
  void redisLostItsDataAndCountsAreRebuiltFromTheRecord() {
    String database = TestNode.freshDatabase();
    Node node = TestNode.start(database);
    try {
      ApiClient api = new ApiClient(node.port());
      ApiClient.Shop shop = api.openShop("13900000007", 5, "UNITS", 10, 4);
      ApiClient.Viewer v = api.viewer("小李");
      ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(),
          new JsonObject().put("quantity", 4), Map.of("Idempotency-Key", "a")), 201);
      io.linli.core.testing.TestServices.get().flushRedis();

      JsonObject deal = ApiClient.expect(api.get("/api/deals/" + shop.dealId(), null), 200).json();
      assertThat(deal.getInteger("joinedUnits")).isEqualTo(4);
      assertThat(deal.getInteger("remaining")).isEqualTo(6);
      // The household still holds its 4 of 4: the rebuilt limit holds too.
      ApiClient.Response more = api.post("/api/deals/" + shop.dealId() + "/join", v.token(),
          new JsonObject().put("quantity", 1), Map.of("Idempotency-Key", "b"));
      assertThat(more.status()).isEqualTo(409);
    } finally {
      node.close().await();
    }
  }
}
