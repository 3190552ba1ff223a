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

/**
 * A crowded room: far more chat than anyone can read. Phones get a few batched frames a second, viewers' lines
 * are sampled above 100 a second, and nothing the host says and no deal event is ever left out.
 */
@ExtendWith(VertxExtension.class)
class ChatBatchingTest {
  private static final int SAMPLE_ABOVE = 100;

  private RoomNode node;
  private Shop shop;

  @BeforeEach
  void start(Vertx vertx) {
    node = RoomNode.start(vertx, RoomNode.freshDatabase(),
        Map.of("LINLI_CHAT_SAMPLE_ABOVE", Integer.toString(SAMPLE_ABOVE)), RoomTuning.defaults(),
        new HttpServerOptions());
    shop = Shop.open(node.platform);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void aBurstBecomesAtMostTenFramesASecondSampledButNeverTheHost() {
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"));
        Phone lan = node.join(shop.stream(), shop.viewer("Lan"))) {
      // 2 seconds of 400 viewer lines a second from a crowd (as if typed on many nodes), a host line every 50.
      int viewerLines = 0;
      int hostLines = 0;
      long started = System.nanoTime();
      for (int tick = 0; tick < 40; tick++) {
        for (int i = 0; i < 20; i++) {
          int n = tick * 20 + i;
          boolean host = n % 50 == 0;
          publish(n, host ? "host" : "viewer");
          if (host) {
            hostLines++;
          } else {
            viewerLines++;
          }
        }
        if (tick == 20) {
          node.realtime.events().publish(shop.streamId, "deal.formed", new JsonObject().put("dealId", "d1")).await();
        }
        Phone.sleep(Math.max(0, (tick + 1) * 50 - (System.nanoTime() - started) / 1_000_000));
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      publish(9999, "host"); // the last word
      hostLines++;

      for (Phone phone : List.of(mei, lan)) {
        phone.await(f -> "m9999".equals(f.getString("id")), Duration.ofSeconds(5));
        List<Phone.Received> chatFrames = phone.received().stream()
            .filter(r -> r.frame().getString("type").startsWith("chat.")).toList();
        double span = (chatFrames.get(chatFrames.size() - 1).atNanos() - chatFrames.get(0).atNanos()) / 1e9;
        // 10 a second, plus the first, plus one sent early ahead of deal.formed.
        assertThat(chatFrames.size()).as("chat frames over %.2f s", span).isLessThanOrEqualTo((int) (span * 10) + 3);
        assertThat(chatFrames).anySatisfy(r -> assertThat(r.frame().getString("type")).isEqualTo("chat.batch"));

        List<JsonObject> lines = phone.frames("chat.message");
        long fromHost = lines.stream().filter(f -> "host".equals(f.getJsonObject("from").getString("role"))).count();
        long fromViewers = lines.size() - fromHost;
        assertThat(fromHost).as("every host line").isEqualTo(hostLines);
        assertThat(fromViewers).as("viewer lines, sampled to about %d a second", SAMPLE_ABOVE)
            .isPositive().isLessThan(viewerLines).isLessThanOrEqualTo((long) (SAMPLE_ABOVE * (seconds + 1)));
        assertThat(lines).extracting(f -> f.getLong("seq")).isSorted().doesNotHaveDuplicates();
        assertThat(phone.frames("deal.formed")).hasSize(1);
      }
      // Every phone of the node got the same frames: each was made once and written to both.
      assertThat(mei.frames("chat.message")).isEqualTo(lan.frames("chat.message"));
      assertThat(node.counter("linli.room.frames.dropped")).isPositive();
    }
  }

  private void publish(int n, String role) {
    node.realtime.events().publish(shop.streamId, "chat.message", new JsonObject()
        .put("id", "m" + n)
        .put("from", new JsonObject().put("id", "u" + n).put("nickname", role + n).put("role", role))
        .put("text", "第" + n + "条 好吃!").put("at", "2026-11-25T12:00:00Z")).await();
  }
}
