package io.linli.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.id.Ids;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The host and staff keep the room civil; everyone sees what they did. */
@ExtendWith(VertxExtension.class)
class ModerationTest {
  private Vertx vertx;
  private String database;
  private RoomNode node;
  private Shop shop;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    database = RoomNode.freshDatabase();
    node = RoomNode.start(vertx, database);
    shop = Shop.open(node.platform);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void aDeletedMessageLeavesEveryScreenAndTheRecentChat() {
    try (Phone host = node.join(shop.stream(), shop.ownerToken());
        Phone mei = node.join(shop.stream(), shop.viewer("Mei"));
        Phone lan = node.join(shop.stream(), shop.viewer("Lan"))) {
      mei.chat("广告广告");
      lan.chat("好吃吗");
      String id = host.await(f -> "广告广告".equals(f.getString("text")), Duration.ofSeconds(5)).getString("id");
      host.await(f -> "好吃吗".equals(f.getString("text")), Duration.ofSeconds(5));

      // Viewers may not.
      lan.send(new JsonObject().put("type", "chat.delete").put("id", id));
      assertThat(lan.awaitType("error").getString("code")).isEqualTo("forbidden");

      host.send(new JsonObject().put("type", "chat.delete").put("id", id));
      for (Phone phone : List.of(host, mei, lan)) {
        JsonObject deleted = phone.awaitType("chat.deleted");
        assertThat(deleted.getString("id")).isEqualTo(id);
        assertThat(deleted.getJsonObject("by").getString("role")).isEqualTo("host");
      }
      try (Phone late = node.join(shop.stream(), shop.viewer("Late"))) {
        assertThat(late.frames().get(0).getJsonArray("chat").stream()
            .map(m -> ((JsonObject) m).getString("text")).toList()).containsExactly("好吃吗");
      }
      assertLogged("DELETE");
    }
  }

  @Test
  void aMutedViewerCannotChatUntilUnmutedAndEveryoneIsTold() {
    Shop.Household mei = shop.household("Mei");
    try (Phone staff = node.join(shop.stream(), shop.staffToken());
        Phone meiPhone = node.join(shop.stream(), mei.token());
        Phone lan = node.join(shop.stream(), shop.viewer("Lan"))) {
      staff.send(new JsonObject().put("type", "chat.mute").put("userId", mei.id()).put("minutes", 10));
      JsonObject muted = lan.awaitType("chat.muted");
      assertThat(muted.getJsonObject("user").getString("id")).isEqualTo(mei.id());
      assertThat(muted.getJsonObject("user").getString("nickname")).isEqualTo("Mei");
      assertThat(muted.getInteger("minutes")).isEqualTo(10);
      assertThat(muted.getString("until")).endsWith("Z");
      meiPhone.awaitType("chat.muted");

      meiPhone.chat("我要说话");
      JsonObject refused = meiPhone.awaitType("error");
      assertThat(refused.getString("code")).isEqualTo("muted");
      assertThat(refused.getLong("retryAfterMs")).isBetween(9 * 60_000L, 10 * 60_000L);
      Phone.sleep(200);
      assertThat(lan.frames("chat.message")).isEmpty();

      staff.send(new JsonObject().put("type", "chat.unmute").put("userId", mei.id()));
      lan.awaitType("chat.unmuted");
      meiPhone.chat("谢谢");
      lan.await(f -> "谢谢".equals(f.getString("text")), Duration.ofSeconds(5));

      staff.send(new JsonObject().put("type", "chat.mute").put("userId", Ids.toText(Ids.next())).put("minutes", 1));
      assertThat(staff.awaitType("error").getString("code")).isEqualTo("no-such-user");
      assertLogged("MUTE", "UNMUTE");
    }
  }

  @Test
  void aBannedViewerIsClosedEverywhereAndCannotComeBackEvenAfterARestart() {
    Shop.Household mei = shop.household("Mei");
    try (Phone host = node.join(shop.stream(), shop.ownerToken());
        Phone meiPhone = node.join(shop.stream(), mei.token());
        Phone meiTablet = node.join(shop.stream(), mei.token());
        Phone lan = node.join(shop.stream(), shop.viewer("Lan"))) {
      host.send(new JsonObject().put("type", "chat.ban").put("userId", mei.id()).put("reason", "广告"));
      JsonObject banned = lan.awaitType("chat.banned");
      assertThat(banned.getJsonObject("user").getString("id")).isEqualTo(mei.id());
      assertThat(meiPhone.awaitClose(Duration.ofSeconds(5))).isEqualTo(CloseCodes.BANNED);
      assertThat(meiTablet.awaitClose(Duration.ofSeconds(5))).isEqualTo(CloseCodes.BANNED);
      assertThat(Phone.connect(vertx, node.port(), shop.stream(), mei.token()).awaitClose(Duration.ofSeconds(5)))
          .isEqualTo(CloseCodes.BANNED);
      // The others carry on.
      lan.chat("继续");
      host.await(f -> "继续".equals(f.getString("text")), Duration.ofSeconds(5));
    }
    // The ban is in PostgreSQL: a new node (and an empty Redis) still refuses her.
    node.close();
    node = RoomNode.start(vertx, database);
    node.platform.redis().call(c -> c.flushall()).await();
    assertThat(Phone.connect(vertx, node.port(), shop.stream(), mei.token()).awaitClose(Duration.ofSeconds(5)))
        .isEqualTo(CloseCodes.BANNED);
    try (Phone host = node.join(shop.stream(), shop.ownerToken())) {
      host.send(new JsonObject().put("type", "chat.unban").put("userId", mei.id()));
      host.awaitType("chat.unbanned");
    }
    try (Phone back = node.join(shop.stream(), mei.token())) {
      assertThat(back.frames().get(0).getString("type")).isEqualTo("room.snapshot");
    }
    assertLogged("BAN", "UNBAN");
  }

  @Test
  void aPinnedAnnouncementIsInEverySnapshotUntilUnpinned() {
    try (Phone host = node.join(shop.stream(), shop.ownerToken());
        Phone mei = node.join(shop.stream(), shop.viewer("Mei"))) {
      host.send(new JsonObject().put("type", "chat.pin").put("text", "今晚8点 满10户成团"));
      JsonObject pinned = mei.awaitType("chat.pinned").getJsonObject("pinnedMessage");
      assertThat(pinned.getString("text")).isEqualTo("今晚8点 满10户成团");
      assertThat(pinned.getJsonObject("from").getString("role")).isEqualTo("host");

      try (Phone late = node.join(shop.stream(), shop.viewer("Late"))) {
        assertThat(late.frames().get(0).getJsonObject("pinnedMessage")).isEqualTo(pinned);
      }
      host.send(new JsonObject().put("type", "chat.unpin"));
      mei.await(f -> "chat.pinned".equals(f.getString("type")) && f.getValue("pinnedMessage") == null,
          Duration.ofSeconds(5));
      try (Phone late = node.join(shop.stream(), shop.viewer("Later"))) {
        assertThat(late.frames().get(0).containsKey("pinnedMessage")).isTrue();
        assertThat(late.frames().get(0).getValue("pinnedMessage")).isNull();
      }
      mei.send(new JsonObject().put("type", "chat.pin").put("text", "我也想置顶"));
      assertThat(mei.awaitType("error").getString("code")).isEqualTo("forbidden");
    }
  }

  /** Waits until the moderation log has these actions (it is written just after the room hears of them). */
  private void assertLogged(String... expected) {
    List<String> actions = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    do {
      actions.clear();
      node.platform.pool().preparedQuery("select action from room_moderation where stream_id = $1 order by at")
          .execute(Tuple.of(shop.streamId)).await().forEach(r -> actions.add(r.getString(0)));
      if (actions.containsAll(List.of(expected))) {
        return;
      }
      Phone.sleep(20);
    } while (System.nanoTime() < deadline);
    assertThat(actions).contains(expected);
  }
}
