package io.linli.commerce.deal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.room.SnapshotSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What the room is told about a deal. A phone applies a {@code deal.progress} by replacing what it holds
 * (the room drops one older than what the phone already has), so the newest version must say how the deal is
 * now: its status too, not only its counts. And a phone that gets in after the deal ended is shown how it ended.
 */
class DealRoomStateTest extends DealTestBase {

  @Test
  void whenTheDealFormsAndClosesTheNewestStateSaysSo() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 2, CountBy.UNITS, 3, 2,
        f.now().plusDays(1)));
    String key = Deal.stateKey(dealId);
    // These joins' counts are decided while the deal is OPEN, so their frames say OPEN; the one that crosses
    // the threshold may reach the room after the deal.formed its commit leads to (it is coalesced, the event
    // is not), and would take a phone back to OPEN.
    f.join(f.viewer("甲"), dealId, 1);
    f.join(f.viewer("乙"), dealId, 1);
    awaitStatus(dealId, "FORMED");
    RecordingRoom.Event formed = awaitNewest(key, e -> "FORMED".equals(e.fields().getString("status")));
    assertThat(formed.fields().getInteger("committedUnits")).isEqualTo(2);
    assertThat(f.room.states(key)).filteredOn(e -> "OPEN".equals(e.fields().getString("status")))
        .allMatch(e -> e.version() < formed.version());

    f.join(f.viewer("丙"), dealId, 1); // the last unit: formed and sold out, so it closes
    awaitStatus(dealId, "CLOSED");
    RecordingRoom.Event closed = awaitNewest(key, e -> "CLOSED".equals(e.fields().getString("status")));
    assertThat(closed.fields().getInteger("committedUnits")).isEqualTo(3);
    assertThat(closed.fields().getInteger("remaining")).isZero();
    assertThat(closed.version()).isEqualTo(f.redisCounts(dealId).version());
  }

  @Test
  void aPhoneThatComesJustAfterASellOutIsShownHowTheDealEnded() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 1, CountBy.UNITS, 2, 2,
        f.now().plusDays(1)));
    f.join(f.viewer("抢光了"), dealId, 2);
    awaitStatus(dealId, "CLOSED");

    JsonObject part = f.deals.snapshot(shop.streamId()).await();
    JsonArray deals = part.getJsonArray("deals");
    assertThat(deals).hasSize(1);
    JsonObject shown = deals.getJsonObject(0);
    assertThat(shown.getString("status")).isEqualTo("CLOSED");
    assertThat(shown.getInteger("committedUnits")).isEqualTo(2);
    assertThat(part.getJsonObject(SnapshotSource.VERSIONS).getLong(Deal.stateKey(dealId)))
        .as("the version its counts are at, so no older frame follows the snapshot")
        .isEqualTo(f.redisCounts(dealId).version());

    // A quarter of an hour later it has left the room, as a closed poll does.
    f.platform.pool().preparedQuery("update deals set closed_at = now() - interval '16 minutes' where id = $1")
        .execute(Tuple.of(dealId)).await();
    assertThat(f.deals.snapshot(shop.streamId()).await().getJsonArray("deals")).isEmpty();
  }

  @Test
  void countsRebuiltAfterRedisLostTheDealAreNewerThanWhatPhonesAlreadyHold() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 10, CountBy.UNITS, 20, 2,
        f.now().plusDays(1)));
    String key = Deal.stateKey(dealId);
    f.join(f.viewer("早到"), dealId, 2);
    f.join(f.viewer("也早"), dealId, 1);
    long held = awaitNewest(key, e -> e.fields().getInteger("joinedUnits") == 3).version();

    // Redis loses the deal's keys (evicted, or a fail-over to an empty replica) while the room's stay: phones
    // keep the highest version they saw and drop anything lower, so the rebuilt counts must come out higher.
    f.platform.redis().call(c -> c.del(new DealKeys(dealId).forJoin())).await();
    f.join(f.viewer("重建后"), dealId, 1);
    RecordingRoom.Event rebuilt = awaitNewest(key, e -> e.fields().getInteger("joinedUnits") == 4);
    assertThat(rebuilt.version()).as("the rebuilt state's version").isGreaterThan(held);
    assertThat(rebuilt.fields().getInteger("remaining")).isEqualTo(16);
  }

  /** The newest state told for the key, once it matches (formation and closing follow commits asynchronously). */
  private static RecordingRoom.Event awaitNewest(String key, Predicate<RecordingRoom.Event> match) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      if (!f.room.states(key).isEmpty() && match.test(f.room.newest(key))) {
        return f.room.newest(key);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new AssertionError("the newest state of " + key + " never matched; told " + f.room.states(key).stream()
        .map(e -> "v" + e.version() + " " + e.fields().getString("status") + " " + e.fields().getInteger("committedUnits"))
        .toList());
  }
}
