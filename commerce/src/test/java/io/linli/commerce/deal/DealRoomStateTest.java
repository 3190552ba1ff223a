package io.linli.commerce.deal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.room.SnapshotSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

/** What the room is told about a deal. A phone that gets in after the deal ended is shown how it ended. */
class DealRoomStateTest extends DealTestBase {

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
}
