package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A deal that misses its threshold by the deadline fails, its orders are cancelled, the room is told. */
class DealDeadlineTest extends OneNodeTest {

  @Test
  void unformedDealFailsAtItsDeadline() {
    ApiClient.Shop shop = api.openShop("13900000008", 5, "BUYERS", 20, 1);
    String dealId = newDeal(shop, 5, 2);
    ApiClient.Viewer a = api.viewer("甲");
    RoomClient phone = new RoomClient(node.port(), shop.streamId(), a.token());
    for (ApiClient.Viewer v : new ApiClient.Viewer[] {a, api.viewer("乙")}) {
      ApiClient.expect(api.post("/api/deals/" + dealId + "/join", v.token(), new JsonObject().put("quantity", 1),
          Map.of("Idempotency-Key", "k")), 201);
    }

    phone.await(f -> "deal.status".equals(f.getString("type")) && dealId.equals(f.getString("dealId"))
        && "FAILED".equals(f.getString("status")), Duration.ofSeconds(10));
    assertThat(api.get("/api/deals/" + dealId, null).json().getString("status")).isEqualTo("FAILED");
    assertThat(node.platform().pool().query("select status, count(*) from orders where deal_id = "
        + io.linli.core.id.Ids.parse(dealId) + " group by status").execute().await())
        .singleElement().satisfies(r -> {
          assertThat(r.getString(0)).isEqualTo("CANCELLED");
          assertThat(r.getLong(1)).isEqualTo(2);
        });
    // A failed deal takes no more joins.
    ApiClient.Response late = api.post("/api/deals/" + dealId + "/join", api.viewer("丙").token(),
        new JsonObject().put("quantity", 1));
    assertThat(late.status()).isEqualTo(410);
    phone.close();
  }

  @Test
  void formedDealClosesAtItsDeadline() {
    ApiClient.Shop shop = api.openShop("13900000009", 5, "BUYERS", 20, 1);
    String dealId = newDeal(shop, 1, 2);
    ApiClient.expect(api.post("/api/deals/" + dealId + "/join", api.viewer("丁").token(),
        new JsonObject().put("quantity", 1)), 201);
    awaitStatus(dealId, "FORMED", Duration.ofSeconds(3));
    awaitStatus(dealId, "CLOSED", Duration.ofSeconds(10));
  }

  private static String newDeal(ApiClient.Shop shop, int threshold, int secondsLeft) {
    return ApiClient.expect(api.post("/api/streams/" + shop.streamId() + "/deals", shop.ownerToken(),
        new JsonObject().put("productId", shop.productId()).put("groupPriceFen", 990).put("threshold", threshold)
            .put("countBy", "BUYERS").put("stock", 10).put("perBuyerLimit", 1)
            .put("endsAt", OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(secondsLeft).toString())), 201)
        .json().getString("id");
  }

  private static void awaitStatus(String dealId, String status, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      last = api.get("/api/deals/" + dealId, null).json().getString("status");
      if (status.equals(last)) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new AssertionError("deal " + dealId + " stayed " + last + ", expected " + status);
  }
}
