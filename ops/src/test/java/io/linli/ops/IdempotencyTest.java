package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A retried tap (same Idempotency-Key) gets the first answer and moves nothing. */
class IdempotencyTest extends OneNodeTest {
  private static final AtomicInteger PHONES = new AtomicInteger();
  private ApiClient.Shop shop;

  @BeforeEach
  void openShop() {
    shop = api.openShop("1390000010" + PHONES.incrementAndGet(), 10, "UNITS", 20, 2);
  }

  @Test
  void keysAreTextWhateverTheyLookLike() {
    String path = "/api/deals/" + shop.dealId() + "/join";
    JsonObject body = new JsonObject().put("quantity", 1);
    ApiClient.Response tooLong = api.post(path, api.viewer("长").token(), body, Map.of("Idempotency-Key", "k".repeat(65)));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("Idempotency-Key");
    // Keys clients send: a UUID, and texts that read as a JSON number or a JSON string.
    for (String key : new String[] {"0b6f1c9e-4a7d-4c1a-9b1e-5f2d3c4b5a69", "1.5", "\"quoted\""}) {
      ApiClient.Viewer v = api.viewer("key " + key.length());
      ApiClient.Response first = api.post(path, v.token(), body, Map.of("Idempotency-Key", key));
      assertThat(first.status()).as(key + ": " + first.text()).isEqualTo(201);
      ApiClient.Response again = ApiClient.expect(api.post(path, v.token(), body, Map.of("Idempotency-Key", key)), 201);
      assertThat(again.json().getJsonObject("order").getString("id"))
          .isEqualTo(first.json().getJsonObject("order").getString("id"));
    }
  }

  @Test
  void sameKeyTwiceGivesTheSameOrderAndMovesNothing() {
    ApiClient.Viewer v = api.viewer("小王");
    String path = "/api/deals/" + shop.dealId() + "/join";
    JsonObject body = new JsonObject().put("quantity", 2);

    ApiClient.Response first = ApiClient.expect(api.post(path, v.token(), body, Map.of("Idempotency-Key", "k-1")), 201);
    ApiClient.Response again = ApiClient.expect(api.post(path, v.token(), body, Map.of("Idempotency-Key", "k-1")), 201);

    assertThat(again.json().getJsonObject("order")).as("the first answer again")
        .isEqualTo(first.json().getJsonObject("order"));
    assertThat(again.json().getJsonObject("order").getInteger("quantity")).isEqualTo(2);
    assertThat(again.json().getJsonObject("deal").getInteger("joinedUnits")).isEqualTo(2);
    JsonObject deal = api.get("/api/deals/" + shop.dealId(), null).json();
    assertThat(deal.getInteger("joinedUnits")).isEqualTo(2);
    assertThat(deal.getInteger("remaining")).isEqualTo(18);
    assertThat(ordersOf(v)).isEqualTo(1);

    // At the limit (2 per household), a new key is refused, and nothing moves.
    ApiClient.Response more = api.post(path, v.token(), new JsonObject().put("quantity", 1),
        Map.of("Idempotency-Key", "k-2"));
    assertThat(more.status()).isEqualTo(409);
    assertThat(more.contentType()).startsWith("application/problem+json");
    assertThat(more.json().getString("type")).endsWith("/limit-reached");
    assertThat(api.get("/api/deals/" + shop.dealId(), null).json().getInteger("joinedUnits")).isEqualTo(2);
    assertThat(ordersOf(v)).isEqualTo(1);
  }

  @Test
  void sameKeyFromAnotherViewerIsTheirOwnJoin() {
    ApiClient.Viewer a = api.viewer("甲");
    ApiClient.Viewer b = api.viewer("乙");
    String path = "/api/deals/" + shop.dealId() + "/join";
    String orderA = ApiClient.expect(api.post(path, a.token(), new JsonObject().put("quantity", 1),
        Map.of("Idempotency-Key", "shared")), 201).json().getJsonObject("order").getString("id");
    String orderB = ApiClient.expect(api.post(path, b.token(), new JsonObject().put("quantity", 1),
        Map.of("Idempotency-Key", "shared")), 201).json().getJsonObject("order").getString("id");
    assertThat(orderA).isNotEqualTo(orderB);
  }

  @Test
  void sameKeyWithAnotherQuantityIsRefused() {
    ApiClient.Viewer v = api.viewer("丙");
    String path = "/api/deals/" + shop.dealId() + "/join";
    ApiClient.expect(api.post(path, v.token(), new JsonObject().put("quantity", 1),
        Map.of("Idempotency-Key", "q")), 201);
    ApiClient.Response changed = api.post(path, v.token(), new JsonObject().put("quantity", 2),
        Map.of("Idempotency-Key", "q"));
    assertThat(changed.status()).isEqualTo(422);
    assertThat(ordersOf(v)).isEqualTo(1);
  }

  private static long ordersOf(ApiClient.Viewer v) {
    return count("select count(*) from orders where viewer_id = " + io.linli.core.id.Ids.parse(v.id()));
  }
}
