package io.linli.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many phones join while events keep coming. Joins at the same moment share snapshot builds; none may lose an
 * event: each phone has every event either in its snapshot (seq at or below the snapshot's) or after it.
 */
class JoinStormTest extends OneRoomNodeTest {
  @Test
  void phonesJoiningDuringABurstMissNothing() throws Exception {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tokens.add(shop.viewer("V" + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try (Phone observer = node.join(shop.stream(), shop.staffToken())) {
      List<Future<Phone>> joining = new ArrayList<>();
      for (String token : tokens) {
        joining.add(pool.submit(() -> node.join(shop.stream(), token)));
      }
      for (int i = 1; i <= 60; i++) {
        node.realtime.events().publish(shop.streamId, "deal.formed", new JsonObject().put("dealId", "d" + i)).await();
        Phone.sleep(5);
      }
      List<Phone> phones = new ArrayList<>();
      for (Future<Phone> phone : joining) {
        phones.add(phone.get(20, TimeUnit.SECONDS));
      }
      observer.await(f -> "d60".equals(f.getString("dealId")), Duration.ofSeconds(5));
      List<JsonObject> all = observer.frames("deal.formed");
      assertThat(all).hasSize(60);
      long lastSeq = all.get(all.size() - 1).getLong("seq");
      for (Phone phone : phones) {
        phone.await(f -> "room.snapshot".equals(f.getString("type")), Duration.ofSeconds(5));
        long snapshotSeq = phone.frames().get(0).getLong("seq");
        if (snapshotSeq < lastSeq) {
          // On a busy machine a phone may get in only after the burst: its snapshot then covers all of it.
          phone.await(f -> "d60".equals(f.getString("dealId")), Duration.ofSeconds(5));
        }
        List<String> expected = all.stream().filter(f -> f.getLong("seq") > snapshotSeq)
            .map(f -> f.getString("dealId")).toList();
        assertThat(phone.frames("deal.formed")).extracting(f -> f.getString("dealId")).isEqualTo(expected);
        phone.close();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
