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

/** A room that keeps only 10 frames, so a client can fall behind its history. */
@ExtendWith(VertxExtension.class)
class ResumeTest {
  private RoomNode node;
  private Shop shop;

  @BeforeEach
  void start(Vertx vertx) {
    node = RoomNode.start(vertx, RoomNode.freshDatabase(),
        Map.of("LINLI_ROOM_HISTORY", "10"), RoomTuning.defaults(), new HttpServerOptions());
    shop = Shop.open(node.platform);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void resumeInsideTheHistorySendsTheMissedFramesInOrder() {
    JsonObject before;
    try (Phone first = node.join(shop.stream(), shop.viewer("Mei"))) {
      before = first.frames().get(0);
    }
    long afterSeq = before.getLong("seq");
    for (int i = 1; i <= 4; i++) {
      node.realtime.events().publish(shop.streamId, "deal.formed", new JsonObject().put("dealId", "d" + i)).await();
    }
    try (Phone back = node.join(shop.stream(), shop.viewer("Mei"))) {
      back.send(new JsonObject().put("type", "resume").put("afterSeq", afterSeq).put("epoch", before.getString("epoch")));
      back.await(f -> "d4".equals(f.getString("dealId")), Duration.ofSeconds(5));
      List<JsonObject> replayed = back.frames().subList(1, back.frames().size()).stream()
          .filter(f -> f.getLong("seq") > afterSeq).toList();
      assertThat(replayed).extracting(f -> f.getLong("seq")).isSorted().doesNotHaveDuplicates();
      assertThat(back.frames("deal.formed")).extracting(f -> f.getString("dealId"))
          .containsExactly("d1", "d2", "d3", "d4");
      assertThat(back.frames("room.snapshot")).hasSize(1);

      // Live frames carry on after the replay, without repeats.
      node.realtime.events().publish(shop.streamId, "deal.formed", new JsonObject().put("dealId", "d5")).await();
      back.await(f -> "d5".equals(f.getString("dealId")), Duration.ofSeconds(5));
      Phone.sleep(200);
      assertThat(back.frames("deal.formed")).extracting(f -> f.getString("dealId"))
          .containsExactly("d1", "d2", "d3", "d4", "d5");
    }
  }

  @Test
  void resumeFromBeyondTheHistoryOrAnotherEpochGetsAFreshSnapshot() {
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"))) {
      long afterSeq = mei.frames().get(0).getLong("seq");
      String epoch = mei.frames().get(0).getString("epoch");
      for (int i = 1; i <= 15; i++) {
        node.realtime.events().publish(shop.streamId, "deal.formed", new JsonObject().put("dealId", "d" + i)).await();
      }
      mei.await(f -> "d15".equals(f.getString("dealId")), Duration.ofSeconds(5));

      mei.send(new JsonObject().put("type", "resume").put("afterSeq", afterSeq).put("epoch", epoch));
      awaitSnapshots(mei, 2);
      JsonObject fresh = mei.frames("room.snapshot").get(1);
      assertThat(fresh.getLong("seq")).isGreaterThanOrEqualTo(afterSeq + 15);
      assertThat(fresh.getString("epoch")).isEqualTo(epoch);

      // Inside the history, but from another epoch: the seqs mean nothing here.
      mei.send(new JsonObject().put("type", "resume").put("afterSeq", fresh.getLong("seq") - 1)
          .put("epoch", "SOMEOTHEREPOCH"));
      awaitSnapshots(mei, 3);

      mei.send(new JsonObject().put("type", "resume").put("afterSeq", "yesterday"));
      assertThat(mei.awaitType("error").getString("code")).isEqualTo("bad-resume");
    }
  }

  @Test
  void roomDataLostInRedisMeansANewEpoch() {
    String epoch;
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"))) {
      epoch = mei.frames().get(0).getString("epoch");
    }
    node.platform.redis().call(c -> c.flushall()).await();
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"))) {
      assertThat(mei.frames().get(0).getString("epoch")).isNotEqualTo(epoch);
    }
  }

  private static void awaitSnapshots(Phone phone, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (phone.frames("room.snapshot").size() < count && System.nanoTime() < deadline) {
      Phone.sleep(10);
    }
    assertThat(phone.frames("room.snapshot")).hasSize(count);
  }
}
