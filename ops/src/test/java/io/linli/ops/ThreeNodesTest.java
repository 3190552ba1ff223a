package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three nodes on one Redis and one PostgreSQL take a storm spread across them; every phone on every node agrees. */
class ThreeNodesTest {
  private static final List<Node> nodes = new ArrayList<>();

  @BeforeAll
  static void start() {
    String database = TestNode.freshDatabase();
    for (int i = 0; i < 3; i++) {
      nodes.add(TestNode.start(database, Map.of("LINLI_NODE_ID", "node-" + i)));
    }
  }

  @AfterAll
  static void stop() {
    nodes.forEach(n -> n.close().await());
  }

  @Test
  void stormAcrossNodesKeepsEveryInvariant() {
    List<ApiClient> apis = nodes.stream().map(n -> new ApiClient(n.port())).toList();
    ApiClient.Shop shop = apis.get(0).openShop("13900000031", 60, "UNITS", 90, 2);
    List<ApiClient.Viewer> viewers = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      viewers.add(apis.get(i % 3).viewer("邻居" + i));
    }
    // The host watches from the console, in the room before the storm: every frame after its snapshot reaches it.
    RoomClient host = new RoomClient(nodes.get(0).port(), shop.streamId(), shop.ownerToken());
    host.await(f -> "room.snapshot".equals(f.getString("type")), Duration.ofSeconds(10));
    List<RoomClient> phones = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      phones.add(new RoomClient(nodes.get(i % 3).port(), shop.streamId(), viewers.get(i).token()));
    }

    List<CompletableFuture<ApiClient.Response>> taps = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < viewers.size(); i++) {
        ApiClient.Viewer v = viewers.get(i);
        // Each household asks for 1 twice with different keys, each time through another node, and retries once.
        ApiClient api = apis.get((i + round) % 3);
        String key = "r" + round + "-" + v.id();
        taps.add(api.postAsync("/api/deals/" + shop.dealId() + "/join", v.token(),
            new JsonObject().put("quantity", 1), Map.of("Idempotency-Key", key)));
        taps.add(apis.get((i + round + 1) % 3).postAsync("/api/deals/" + shop.dealId() + "/join", v.token(),
            new JsonObject().put("quantity", 1), Map.of("Idempotency-Key", key)));
      }
    }
    Map<Integer, Integer> byStatus = new HashMap<>();
    taps.forEach(t -> byStatus.merge(t.join().status(), 1, Integer::sum));
    // Over-demand is refused as sold out, or as closed once the formed deal sold out and closed.
    assertThat(byStatus.keySet()).contains(201).allMatch(s -> s == 201 || s == 409 || s == 410);

    Node any = nodes.get(0);
    long dealId = io.linli.core.id.Ids.parse(shop.dealId());
    long units = count(any, "select coalesce(sum(quantity), 0) from orders where deal_id = " + dealId);
    long overLimit = count(any, "select count(*) from (select viewer_id from orders where deal_id = " + dealId
        + " group by viewer_id having sum(quantity) > 2) x");
    long keysTwice = count(any, "select count(*) from (select viewer_id, idempotency_key from orders where deal_id = "
        + dealId + " group by 1, 2 having count(*) > 1) x");
    assertThat(units).as("no oversell").isEqualTo(90);
    assertThat(overLimit).as("households over the limit").isZero();
    assertThat(keysTwice).as("keys counted twice").isZero();

    for (ApiClient api : apis) {
      JsonObject deal = api.get("/api/deals/" + shop.dealId(), null).json();
      assertThat(deal.getInteger("joinedUnits")).isEqualTo(90);
      assertThat(deal.getInteger("remaining")).isZero();
    }
    // The phones are let in while the taps come: on a busy machine a phone may get its snapshot only after some
    // or all of the storm (its join waits behind the taps' work), and that snapshot shows what it missed.
    long formedSeq = host.await(f -> "deal.formed".equals(f.getString("type")), Duration.ofSeconds(10)).getLong("seq");
    for (RoomClient phone : phones) {
      phone.awaitDeal(shop.dealId(), d -> d.getInteger("committedUnits") == 90, Duration.ofSeconds(10));
      if (phone.frames().get(0).getLong("seq") < formedSeq) {
        phone.await(f -> "deal.formed".equals(f.getString("type")), Duration.ofSeconds(10));
      }
    }
    OneNodeTest.sleep(700);
    for (RoomClient phone : phones) {
      if (phone.frames().get(0).getLong("seq") < formedSeq) {
        assertThat(phone.frames("deal.formed")).as("deal.formed on every phone, once").hasSize(1);
      } else {
        // Its snapshot came after the deal.formed frame, so it covers it: frames follow a snapshot, never precede it.
        assertThat(phone.snapshotDeal(shop.dealId()).getString("status")).isIn("FORMED", "CLOSED");
        assertThat(phone.frames("deal.formed")).isEmpty();
      }
      phone.close();
    }
    assertThat(host.frames("deal.formed")).hasSize(1);
    host.close();
    assertThat(count(any, "select count(*) from deals where id = " + dealId + " and formed_at is not null"))
        .isEqualTo(1);
  }

  private static long count(Node node, String sql) {
    return node.platform().pool().query(sql).execute().await().iterator().next().getLong(0);
  }
}
