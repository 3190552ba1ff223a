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

/** What stops a chat message: the rate limit, slow mode, the word filter. Each refusal reaches the sender only. */
@ExtendWith(VertxExtension.class)
class ChatRulesTest {
  private RoomNode node;
  private Shop shop;

  @BeforeEach
  void start(Vertx vertx) {
    node = RoomNode.start(vertx, RoomNode.freshDatabase(),
        Map.of("LINLI_CHAT_RATE_MESSAGES", "3", "LINLI_CHAT_RATE_MILLIS", "1500",
            "LINLI_CHAT_BANNED_WORDS", "拼多多,spam"),
        RoomTuning.defaults(), new HttpServerOptions());
    shop = Shop.open(node.platform);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void aFourthMessageInABurstIsRefusedUntilTheBucketRefills() {
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"));
        Phone lan = node.join(shop.stream(), shop.viewer("Lan"))) {
      for (int i = 1; i <= 4; i++) {
        mei.chat("第" + i + "条");
      }
      JsonObject refused = mei.awaitType("error");
      assertThat(refused.getString("code")).isEqualTo("rate-limited");
      assertThat(refused.getLong("retryAfterMs")).isBetween(1L, 1500L);
      lan.await(f -> "第3条".equals(f.getString("text")), Duration.ofSeconds(5));
      Phone.sleep(300);
      assertThat(texts(lan)).containsExactly("第1条", "第2条", "第3条");

      // Someone else is not held back by Mei's bucket.
      lan.chat("我也说一句");
      mei.await(f -> "我也说一句".equals(f.getString("text")), Duration.ofSeconds(5));

      Phone.sleep(refused.getLong("retryAfterMs") + 50);
      mei.chat("又能说了");
      lan.await(f -> "又能说了".equals(f.getString("text")), Duration.ofSeconds(5));
      assertThat(mei.frames("error")).hasSize(1);
    }
  }

  @Test
  void slowModeMakesViewersWaitButNotTheHostAndIsInTheSnapshot() {
    try (Phone host = node.join(shop.stream(), shop.ownerToken());
        Phone mei = node.join(shop.stream(), shop.viewer("Mei"))) {
      mei.send(new JsonObject().put("type", "chat.slow").put("seconds", 5));
      assertThat(mei.awaitType("error").getString("code")).isEqualTo("forbidden");

      host.send(new JsonObject().put("type", "chat.slow").put("seconds", 2));
      JsonObject on = mei.awaitType("chat.slowmode");
      assertThat(on.getInteger("seconds")).isEqualTo(2);
      assertThat(on.getJsonObject("by").getString("role")).isEqualTo("host");

      mei.chat("第一条");
      mei.await(f -> "第一条".equals(f.getString("text")), Duration.ofSeconds(5));
      mei.chat("太快了");
      JsonObject wait = mei.await(f -> "slow-mode".equals(f.getString("code")), Duration.ofSeconds(5));
      assertThat(wait.getLong("retryAfterMs")).isBetween(1L, 2000L);
      // The host is never slowed.
      host.chat("今晚特价");
      host.chat("还有十份");
      mei.await(f -> "还有十份".equals(f.getString("text")), Duration.ofSeconds(5));

      try (Phone lan = node.join(shop.stream(), shop.viewer("Lan"))) {
        assertThat(lan.frames().get(0).getInteger("slowMode")).isEqualTo(2);
      }
      Phone.sleep(wait.getLong("retryAfterMs") + 50);
      mei.chat("等够了");
      host.await(f -> "等够了".equals(f.getString("text")), Duration.ofSeconds(5));
      assertThat(host.frames("chat.message")).extracting(f -> f.getString("text")).doesNotContain("太快了");

      host.send(new JsonObject().put("type", "chat.slow").put("seconds", 0));
      mei.await(f -> "chat.slowmode".equals(f.getString("type")) && f.getInteger("seconds") == 0,
          Duration.ofSeconds(5));
      mei.chat("关了");
      mei.chat("真关了");
      host.await(f -> "真关了".equals(f.getString("text")), Duration.ofSeconds(5));
    }
  }

  @Test
  void bannedWordsAreRefusedWithTheReasonInChineseAndEnglish() {
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"));
        Phone lan = node.join(shop.stream(), shop.viewer("Lan"))) {
      for (String text : List.of("你是傻 逼", "加.微.信 领优惠", "ＦＵＣＫ this", "去拼多多买")) {
        int errors = mei.frames("error").size();
        mei.chat(text);
        mei.await(f -> mei.frames("error").size() > errors, Duration.ofSeconds(5));
        JsonObject refused = mei.frames("error").get(errors);
        assertThat(refused.getString("code")).as(text).isEqualTo("banned-word");
        assertThat(refused.getString("message")).contains(refused.getString("word"));
      }
      // Refused messages used none of Mei's allowance. Whole English words only: "class" is not "ass",
      // and "spammy" is not "spam".
      mei.chat("classic spammy recipe");
      lan.await(f -> "classic spammy recipe".equals(f.getString("text")), Duration.ofSeconds(5));
      assertThat(texts(lan)).containsExactly("classic spammy recipe");
      assertThat(lan.frames("error")).isEmpty();
    }
  }

  private static List<String> texts(Phone phone) {
    return phone.frames("chat.message").stream().map(f -> f.getString("text")).toList();
  }
}
