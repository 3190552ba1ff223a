package io.linli.commerce.deal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A household may leave an unformed deal; its units go back, and only its own order. */
class LeaveDealTest extends DealTestBase {

  @Test
  void leavingGivesTheUnitsBackOnceAndOnlyTheBuyerMayLeave() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 5, CountBy.UNITS, 10, 3,
        f.now().plusHours(1)));
    Caller a = f.viewer("甲");
    long orderId = Ids.parse(f.join(a, dealId, 3).getJsonObject("order").getString("id"));
    assertThat(f.redisCounts(dealId).remaining()).isEqualTo(7);

    Problem notYours = catchThrowableOfType(Problem.class, () -> f.leaves.leave(f.viewer("乙"), orderId).await());
    assertThat(notYours.status()).isEqualTo(403);

    JsonObject left = f.leaves.leave(a, orderId).await();
    assertThat(left.getString("status")).isEqualTo("CANCELLED");
    assertThat(f.leaves.leave(a, orderId).await().getString("status")).as("twice moves nothing")
        .isEqualTo("CANCELLED");
    DealCounts after = f.redisCounts(dealId);
    assertThat(after.remaining()).isEqualTo(10);
    assertThat(after.joinedBuyers()).isZero();
    assertThat(f.recorded("select sold_units from deals where id = $1", dealId)).isZero();
    // The household may come back, up to its full limit again.
    f.join(a, dealId, 3);
    assertThat(f.redisCounts(dealId).joinedUnits()).isEqualTo(3);
  }

  @Test
  void aHouseholdThatLeftIsReplacedAndTheGroupStillForms() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 2, CountBy.BUYERS, 10, 1,
        f.now().plusHours(1)));
    Caller a = f.viewer("甲");
    long first = Ids.parse(f.join(a, dealId, 1).getJsonObject("order").getString("id"));
    f.leaves.leave(a, first).await();
    f.join(f.viewer("乙"), dealId, 1);
    f.join(f.viewer("丙"), dealId, 1);
    awaitStatus(dealId, "FORMED");
  }

  @Test
  void leavingBelowTheThresholdTakesBackACrossingNotYetRecorded() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 2, CountBy.BUYERS, 10, 1,
        f.now().plusHours(1)));
    Caller a = f.viewer("甲");
    long orderId = Ids.parse(f.join(a, dealId, 1).getJsonObject("order").getString("id"));
    // As if a second join had crossed the threshold in Redis and its formation had not reached the record yet.
    String state = "gb:{deal:" + dealId + "}:state";
    f.platform.redis().call(c -> c.hset(state, "formedBy", "pending")).await();
    f.leaves.leave(a, orderId).await();
    assertThat(f.platform.redis().call(c -> c.hexists(state, "formedBy")).await()).isFalse();
  }

  @Test
  void aFormedGroupCannotBeLeft() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 1, CountBy.BUYERS, 10, 1,
        f.now().plusHours(1)));
    Caller a = f.viewer("甲");
    long orderId = Ids.parse(f.join(a, dealId, 1).getJsonObject("order").getString("id"));
    awaitStatus(dealId, "FORMED");
    Problem refused = catchThrowableOfType(Problem.class, () -> f.leaves.leave(a, orderId).await());
    assertThat(refused.type()).endsWith("/deal-formed");
    assertThat(f.redisCounts(dealId).joinedUnits()).isEqualTo(1);
  }
}
