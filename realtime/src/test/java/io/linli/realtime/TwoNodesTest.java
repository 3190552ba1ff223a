package io.linli.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.db.ModuleSchema;
import io.linli.core.testing.TestPlatform;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two nodes (two Vert.x instances, two HTTP servers) on the same Redis and database, as behind a balancer. */
@ExtendWith(VertxExtension.class)
class TwoNodesTest {
  private Vertx otherVertx;
  private RoomNode a;
  private RoomNode b;
  private Shop shop;

  @BeforeEach
  void start(Vertx vertx) {
    String database = TestPlatform.freshDatabase(List.of(new ModuleSchema("core")));
    otherVertx = Vertx.vertx();
    a = RoomNode.start(vertx, database);
    b = RoomNode.start(otherVertx, database);
    shop = Shop.open(a.platform);
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    otherVertx.close().await();
  }

  @Test
  void chatOnOneNodeReachesTheOtherOnce() {
    try (Phone onA = a.join(shop.stream(), shop.viewer("Mei"));
        Phone onB = b.join(shop.stream(), shop.viewer("Lan"))) {
      assertThat(onB.frames().get(0).getLong("viewers")).isEqualTo(2);
      onA.await(f -> "room.viewers".equals(f.getString("type")) && f.getLong("count") == 2, Duration.ofSeconds(5));

      onA.chat("两个节点");
      JsonObject got = onB.awaitType("chat.message");
      assertThat(got.getString("text")).isEqualTo("两个节点");
      assertThat(onA.awaitType("chat.message")).isEqualTo(got);
      Phone.sleep(300);
      assertThat(onB.frames("chat.message")).hasSize(1);
      assertThat(onA.frames("chat.message")).hasSize(1);
    }
  }

  @Test
  void anEventPublishedOnOneNodeReachesEverySocketOnEveryNodeExactlyOnce() {
    try (Phone a1 = a.join(shop.stream(), shop.viewer("A1"));
        Phone a2 = a.join(shop.stream(), shop.viewer("A2"));
        Phone a3 = a.join(shop.stream(), shop.viewer("A3"));
        Phone b1 = b.join(shop.stream(), shop.viewer("B1"))) {
      for (int i = 1; i <= 5; i++) {
        b.realtime.events().publish(shop.streamId, "deal.formed", new JsonObject().put("dealId", "d" + i)).await();
      }
      for (Phone phone : List.of(a1, a2, a3, b1)) {
        phone.await(f -> "d5".equals(f.getString("dealId")), Duration.ofSeconds(5));
      }
      Phone.sleep(300);
      for (Phone phone : List.of(a1, a2, a3, b1)) {
        List<JsonObject> formed = phone.frames("deal.formed");
        assertThat(formed).extracting(f -> f.getString("dealId")).containsExactly("d1", "d2", "d3", "d4", "d5");
        // One seq per frame, increasing: every node numbers from the same counter.
        assertThat(formed).extracting(f -> f.getLong("seq")).isSorted().doesNotHaveDuplicates();
      }
      assertThat(a1.frames("deal.formed")).isEqualTo(b1.frames("deal.formed"));
    }
  }
}
