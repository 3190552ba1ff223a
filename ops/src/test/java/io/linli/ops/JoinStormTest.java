package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** 600 taps from 200 households at once on 100 units, one each: exactly 100 orders, no oversell. */
class JoinStormTest extends OneNodeTest {

  @Test
  void stormSellsExactlyTheStockOncePerHousehold() {
    ApiClient.Shop shop = api.openShop("13900000002", 50, "BUYERS", 100, 1);
    List<ApiClient.Viewer> viewers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      viewers.add(api.viewer("邻居" + i));
    }
    List<RoomClient> phones = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      phones.add(new RoomClient(node.port(), shop.streamId(), viewers.get(i).token()));
    }

    List<CompletableFuture<ApiClient.Response>> taps = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (ApiClient.Viewer v : viewers) {
        // Each household taps three times with different keys: only one may count.
        taps.add(api.postAsync("/api/deals/" + shop.dealId() + "/join", v.token(),
            new JsonObject().put("quantity", 1), Map.of("Idempotency-Key", "storm-" + round + "-" + v.id())));
      }
    }
    Map<Integer, Integer> byStatus = new HashMap<>();
    taps.forEach(t -> byStatus.merge(t.join().status(), 1, Integer::sum));

    assertThat(byStatus.get(201)).isEqualTo(100);
    assertThat(byStatus.keySet()).as("sold out, or closed once the formed deal sold out").containsAnyOf(409, 410)
        .allMatch(s -> s == 201 || s == 409 || s == 410);

    long orders = count("select count(*) from orders where deal_id = " + idOf(shop.dealId()));
    long buyers = count("select count(distinct viewer_id) from orders where deal_id = " + idOf(shop.dealId()));
    long units = count("select coalesce(sum(quantity), 0) from orders where deal_id = " + idOf(shop.dealId()));
    assertThat(orders).isEqualTo(100);
    assertThat(buyers).isEqualTo(100);
    assertThat(units).isEqualTo(100);

    JsonObject deal = ApiClient.expect(api.get("/api/deals/" + shop.dealId(), null), 200).json();
    assertThat(deal.getInteger("joinedUnits")).isEqualTo(100);
    assertThat(deal.getInteger("committedBuyers")).isEqualTo(100);
    assertThat(deal.getInteger("remaining")).isZero();

    for (RoomClient phone : phones) {
      phone.awaitDeal(shop.dealId(), d -> d.getInteger("committedUnits") == 100, Duration.ofSeconds(10));
      phone.await(f -> "deal.formed".equals(f.getString("type")), Duration.ofSeconds(10));
    }
    assertThat(api.get("/api/deals/" + shop.dealId(), null).json().getString("status")).isIn("FORMED", "CLOSED");
    sleep(700);
    for (RoomClient phone : phones) {
      assertThat(phone.frames("deal.formed")).hasSize(1);
      phone.close();
    }
  }

  private static long idOf(String text) {
    return io.linli.core.id.Ids.parse(text);
  }
}
