package io.linli.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    String database = RoomNode.freshDatabase();
    otherVertx = Vertx.vertx();
    // A "small room" of fewer than 3 viewers, so presence.join/leave stop at the third.
    Map<String, String> env = Map.of("LINLI_PRESENCE_EVENTS_BELOW", "3");
    a = RoomNode.start(vertx, database, env, RoomTuning.defaults(), new HttpServerOptions());
    b = RoomNode.start(otherVertx, database, env, RoomTuning.defaults(), new HttpServerOptions());
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

  @Test
  void aViewerCountTheOtherNodeSendsLateDoesNotSetAJoiningPhoneBack() {
    try (Phone lanOnB = b.join(shop.stream(), shop.viewer("Lan"));
        Phone meiOnA = a.join(shop.stream(), shop.viewer("Mei"))) {
      JsonObject snapshot = meiOnA.frames().get(0);
      assertThat(snapshot.getLong("viewers")).isEqualTo(2);
      // B coalesces its states on its own: its count from before Mei came (Lan alone, the count's first version)
      // may go out after A's, and so after Mei's snapshot, which already counts her.
      ((RedisRoomEvents) b.realtime.events()).append(shop.streamId, new JsonObject().put("type", "room.viewers")
          .put("count", 1).put("unique", 1).put("peak", 1).put("key", "viewers").put("version", 1)).await();
      b.realtime.events().publish(shop.streamId, "deal.formed", new JsonObject().put("dealId", "after")).await();

      meiOnA.await(f -> "after".equals(f.getString("dealId")), Duration.ofSeconds(5));
      assertThat(meiOnA.frames("room.viewers")).as("no count older than Mei's snapshot")
          .noneMatch(f -> f.getLong("count") == 1);
      assertThat(snapshot.getJsonObject("versions").getLong("viewers")).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void presenceIsSummedOverNodesWithUniqueViewersAndThePeak() {
    Shop.Household mei = shop.household("Mei");
    try (Phone staffOnA = a.join(shop.stream(), shop.staffToken());
        Phone meiOnA = a.join(shop.stream(), mei.token())) {
      Phone lanOnB = b.join(shop.stream(), shop.viewer("Lan"));
      try (Phone meiAgainOnB = b.join(shop.stream(), mei.token())) {
        JsonObject three = staffOnA.await(f -> "room.viewers".equals(f.getString("type")) && f.getLong("count") == 3,
            Duration.ofSeconds(5));
        assertThat(three.getLong("unique")).as("Mei twice is one household").isEqualTo(2);
        assertThat(three.getLong("peak")).isEqualTo(3);
        JsonObject snapshot = meiAgainOnB.frames().get(0);
        assertThat(snapshot.getLong("viewers")).isEqualTo(3);
        assertThat(snapshot.getLong("uniqueViewers")).isEqualTo(2);
        assertThat(snapshot.getLong("peakViewers")).isEqualTo(3);

        // Joins are told while the room is small (below 3 here): Lan's, made on B, reaches A.
        JsonObject lanCame = staffOnA.await(f -> "presence.join".equals(f.getString("type"))
            && "Lan".equals(f.getJsonObject("user").getString("nickname")), Duration.ofSeconds(5));
        assertThat(lanCame.getJsonObject("user").getString("role")).isEqualTo("viewer");
        Phone.sleep(300);
        assertThat(staffOnA.frames("presence.join")).as("the third viewer is not announced")
            .extracting(f -> f.getJsonObject("user").getString("nickname")).containsExactly("Mei", "Lan");

        lanOnB.close();
        // Down to two; the peak stays at three.
        JsonObject two = staffOnA.await(f -> "room.viewers".equals(f.getString("type")) && f.getLong("count") == 2
            && f.getLong("peak") == 3, Duration.ofSeconds(5));
        assertThat(two.getLong("unique")).isEqualTo(2);
        staffOnA.await(f -> "presence.leave".equals(f.getString("type"))
            && "Lan".equals(f.getJsonObject("user").getString("nickname")), Duration.ofSeconds(5));
      }
    }
  }

  @Test
  void moderationOnOneNodeReachesSocketsOnTheOther() {
    Shop.Household mei = shop.household("Mei");
    try (Phone hostOnA = a.join(shop.stream(), shop.ownerToken());
        Phone meiOnB = b.join(shop.stream(), mei.token());
        Phone lanOnB = b.join(shop.stream(), shop.viewer("Lan"))) {
      meiOnB.chat("加我领红包");
      String id = hostOnA.await(f -> "加我领红包".equals(f.getString("text")), Duration.ofSeconds(5))
          .getString("id");
      hostOnA.send(new JsonObject().put("type", "chat.delete").put("id", id));
      assertThat(lanOnB.awaitType("chat.deleted").getString("id")).isEqualTo(id);

      hostOnA.send(new JsonObject().put("type", "chat.ban").put("userId", mei.id()));
      assertThat(meiOnB.awaitClose(Duration.ofSeconds(5))).isEqualTo(CloseCodes.BANNED);
      assertThat(lanOnB.awaitType("chat.banned").getJsonObject("user").getString("id")).isEqualTo(mei.id());
      assertThat(Phone.connect(b.vertx, b.port(), shop.stream(), mei.token()).awaitClose(Duration.ofSeconds(5)))
          .isEqualTo(CloseCodes.BANNED);
    }
  }

  @Test
  void theChatRateLimitFollowsAPersonAcrossNodes() {
    Shop.Household mei = shop.household("Mei");
    try (Phone meiOnA = a.join(shop.stream(), mei.token());
        Phone meiOnB = b.join(shop.stream(), mei.token())) {
      for (int i = 1; i <= 3; i++) {
        meiOnA.chat("A" + i);
      }
      meiOnB.await(f -> "A3".equals(f.getString("text")), Duration.ofSeconds(5));
      meiOnB.chat("B1");
      assertThat(meiOnB.awaitType("error").getString("code")).isEqualTo("rate-limited");
    }
  }

  @Test
  void likesFromBothNodesAddUpToOneTotal() {
    try (Phone meiOnA = a.join(shop.stream(), shop.viewer("Mei"));
        Phone lanOnB = b.join(shop.stream(), shop.viewer("Lan"))) {
      meiOnA.send(new JsonObject().put("type", "like.send").put("count", 5));
      lanOnB.send(new JsonObject().put("type", "like.send").put("count", 1000)); // counts as the cap, 50
      lanOnB.send(new JsonObject().put("type", "like.send").put("count", 2));
      for (Phone phone : List.of(meiOnA, lanOnB)) {
        JsonObject likes = phone.await(f -> "room.likes".equals(f.getString("type")) && f.getLong("total") == 57,
            Duration.ofSeconds(5));
        assertThat(likes.getString("key")).isEqualTo("likes");
      }
      try (Phone late = a.join(shop.stream(), shop.viewer("Late"))) {
        assertThat(late.frames().get(0).getLong("likes")).isEqualTo(57);
      }
      meiOnA.send(new JsonObject().put("type", "like.send").put("count", -3));
      assertThat(meiOnA.awaitType("error").getString("code")).isEqualTo("bad-like");
    }
  }
}
