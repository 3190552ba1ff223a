package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The foundation's story: a store opens a deal for 3 households, three phones watch it form. */
class GroupBuyStoryTest extends OneNodeTest {

  @Test
  void threeHouseholdsFormTheGroupAndEveryPhoneSeesIt() {
    ApiClient.Shop shop = api.openShop("13900000001", 3, "BUYERS", 50, 2);
    List<ApiClient.Viewer> viewers = new ArrayList<>();
    List<RoomClient> phones = new ArrayList<>();
    for (String name : List.of("小王", "小李", "小张")) {
      ApiClient.Viewer v = api.viewer(name);
      viewers.add(v);
      phones.add(new RoomClient(node.port(), shop.streamId(), v.token()));
    }
    for (RoomClient phone : phones) {
      JsonObject snapshot = phone.await(f -> "room.snapshot".equals(f.getString("type")), Duration.ofSeconds(5));
      assertThat(phone.frames().get(0).getString("type")).isEqualTo("room.snapshot");
      assertThat(snapshot.getJsonObject("stream").getString("status")).isEqualTo("LIVE");
      assertThat(snapshot.getJsonArray("deals")).hasSize(1);
      assertThat(snapshot.getJsonArray("deals").getJsonObject(0).getInteger("committedBuyers")).isZero();
    }

    List<String> orderIds = new ArrayList<>();
    for (ApiClient.Viewer v : viewers) {
      ApiClient.Response joined = ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(),
          new JsonObject().put("quantity", 1), Map.of("Idempotency-Key", "tap-" + v.id())), 201);
      JsonObject order = joined.json().getJsonObject("order");
      assertThat(order.getInteger("quantity")).isEqualTo(1);
      assertThat(order.getLong("amountFen")).isEqualTo(2990);
      orderIds.add(order.getString("id"));
    }

    for (RoomClient phone : phones) {
      phone.awaitDeal(shop.dealId(), d -> d.getInteger("committedBuyers") == 3, Duration.ofSeconds(5));
      phone.await(f -> "deal.formed".equals(f.getString("type")), Duration.ofSeconds(5));
    }
    sleep(700); // anything that would arrive twice has arrived by now
    for (int i = 0; i < phones.size(); i++) {
      RoomClient phone = phones.get(i);
      assertThat(phone.frames("chat.system")).as("social proof").isNotEmpty()
          .allSatisfy(f -> assertThat(f.getString("text")).endsWith("刚刚参团"));
      assertThat(phone.frames("deal.formed")).hasSize(1);
      assertThat(phone.frames("deal.formed").get(0).getString("dealId")).isEqualTo(shop.dealId());
      // Each household also hears, on the same socket, that its own order was confirmed: a personal frame,
      // outside the room's numbering.
      String own = orderIds.get(i);
      phone.await(f -> "order.updated".equals(f.getString("type")) && own.equals(f.getString("orderId"))
          && "CONFIRMED".equals(f.getString("status")), Duration.ofSeconds(5));
      assertThat(phone.frames("order.updated")).allMatch(f -> own.equals(f.getString("orderId")));
      List<Long> seqs = phone.frames().stream().filter(f -> !"order.updated".equals(f.getString("type")))
          .map(f -> f.getLong("seq")).toList();
      assertThat(seqs).doesNotContainNull().isSorted();
      phone.close();
    }

    JsonObject deal = ApiClient.expect(api.get("/api/deals/" + shop.dealId(), null), 200).json();
    assertThat(deal.getString("status")).isEqualTo("FORMED");
    assertThat(deal.getInteger("committedBuyers")).isEqualTo(3);
    assertThat(deal.getInteger("remaining")).isEqualTo(47);

    List<Row> rows = new ArrayList<>();
    node.platform().pool().query("select id, status, quantity from orders order by id").execute().await()
        .forEach(rows::add);
    assertThat(rows).hasSize(3);
    assertThat(rows).allSatisfy(r -> assertThat(r.getString("status")).isEqualTo("CONFIRMED"));

    // Each buyer can read their own order; another viewer cannot; the store's staff can.
    ApiClient.Response mine = api.get("/api/orders/" + orderIds.get(0), viewers.get(0).token());
    assertThat(mine.status()).isEqualTo(200);
    assertThat(mine.json().getString("status")).isEqualTo("CONFIRMED");
    assertThat(api.get("/api/orders/" + orderIds.get(0), viewers.get(1).token()).status()).isEqualTo(403);
    assertThat(api.get("/api/orders/" + orderIds.get(0), shop.ownerToken()).status()).isEqualTo(200);
  }
}
