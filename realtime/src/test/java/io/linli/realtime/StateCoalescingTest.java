package io.linli.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateCoalescingTest extends OneRoomNodeTest {
  @Test
  void aBurstOfStatesBecomesAFewFramesEndingOnTheLastVersion() {
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"))) {
      long started = System.nanoTime();
      for (int version = 1; version <= 200; version++) {
        node.realtime.events().publishState(shop.streamId, "deal.progress", "deal:42", version,
            new JsonObject().put("dealId", "42").put("joinedBuyers", version));
        if (version % 20 == 0) {
          Phone.sleep(50);
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      JsonObject last = mei.await(f -> "deal.progress".equals(f.getString("type")) && f.getLong("version") == 200,
          Duration.ofSeconds(5));
      assertThat(last.getInteger("joinedBuyers")).isEqualTo(200);
      assertThat(last.getString("key")).isEqualTo("deal:42");
      Phone.sleep(500);
      List<JsonObject> frames = mei.frames("deal.progress");
      // 5 a second at most, plus the leading and the trailing frame.
      assertThat(frames).hasSizeLessThanOrEqualTo((int) Math.ceil(seconds * 5) + 2);
      assertThat(frames).extracting(f -> f.getLong("version")).isSorted().doesNotHaveDuplicates().endsWith(200L);
    }
  }

  @Test
  void anOlderVersionNeverOverwritesANewerOne() {
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"))) {
      node.realtime.events().publishState(shop.streamId, "deal.progress", "deal:7", 10, new JsonObject());
      node.realtime.events().publishState(shop.streamId, "deal.progress", "deal:7", 9, new JsonObject());
      mei.await(f -> "deal:7".equals(f.getString("key")), Duration.ofSeconds(5));
      Phone.sleep(400);
      assertThat(mei.frames("deal.progress")).extracting(f -> f.getLong("version")).containsExactly(10L);
      // Other keys coalesce independently.
      node.realtime.events().publishState(shop.streamId, "deal.progress", "deal:8", 1, new JsonObject());
      mei.await(f -> "deal:8".equals(f.getString("key")), Duration.ofSeconds(5));
    }
  }
}
