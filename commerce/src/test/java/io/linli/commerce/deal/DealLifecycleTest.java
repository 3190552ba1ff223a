package io.linli.commerce.deal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A deal's life, with time moved by the test: opening, pausing, closing, deadlines, tiered prices. */
class DealLifecycleTest extends DealTestBase {

  private static Problem refused(Caller viewer, long dealId, int quantity) {
    return catchThrowableOfType(Problem.class, () -> f.join(viewer, dealId, quantity));
  }

  /**
   * The host opens a deal and the room taps at once: the first tap must find the deal's state in Redis, built from
   * the record when the deal was created (and moved to OPEN by the sweep that opens a scheduled one), never on the
   * first tap (ops/bench/FINDINGS.md, section 18).
   */
  @Test
  void aDealIsReadyInRedisTheMomentItOpens() {
    DealFixture.Shop shop = shop();
    long open = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 5, CountBy.BUYERS, 40, 3,
        f.now().plusHours(2)));
    assertThat(redisState(open)).containsEntry("status", "OPEN").containsEntry("remaining", "40")
        .containsEntry("limit", "3").containsEntry("threshold", "5").containsEntry("joinedBuyers", "0");

    long scheduled = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 2, CountBy.UNITS, 10, 1, null,
        f.now().plusMinutes(30), f.now().plusHours(2), List.of()));
    assertThat(redisState(scheduled)).containsEntry("status", "SCHEDULED").containsEntry("remaining", "10");
    f.clock.advance(Duration.ofMinutes(31));
    f.deadlines.runOnce().await();
    assertThat(redisState(scheduled)).containsEntry("status", "OPEN").containsEntry("remaining", "10");
  }

  private static java.util.Map<String, String> redisState(long dealId) {
    return f.platform.redis().<java.util.Map<String, String>>call(c -> c.hgetall(new DealKeys(dealId).state()))
        .await();
  }

  @Test
  void aScheduledDealOpensByItselfAtItsTime() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 2, CountBy.BUYERS, 10, 1, null,
        f.now().plusMinutes(30), f.now().plusHours(2), List.of()));
    assertThat(f.status(dealId)).isEqualTo("SCHEDULED");
    Caller v = f.viewer("早到的");
    assertThat(refused(v, dealId, 1).type()).endsWith("/not-open-yet");

    f.clock.advance(Duration.ofMinutes(31));
    f.deadlines.runOnce().await();
    assertThat(f.status(dealId)).isEqualTo("OPEN");
    assertThat(f.room.count("deal.status", "status", "OPEN")).isGreaterThanOrEqualTo(1);
    assertThat(f.join(v, dealId, 1).getJsonObject("order").getInteger("quantity")).isEqualTo(1);
  }

  @Test
  void theHostPausesAndResumesAndOnlyTheirStaffMay() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 2, CountBy.BUYERS, 10, 1,
        f.now().plusHours(2)));
    Caller v = f.viewer("小王");
    Caller otherOwner = shop().owner();
    assertThat(catchThrowableOfType(Problem.class, () -> f.deals.pause(otherOwner, dealId).await()).status())
        .isEqualTo(403);

    assertThat(f.deals.pause(shop.owner(), dealId).await().getString("status")).isEqualTo("PAUSED");
    assertThat(f.deals.pause(shop.owner(), dealId).await().getString("status")).as("twice is fine")
        .isEqualTo("PAUSED");
    assertThat(refused(v, dealId, 1).type()).endsWith("/paused");
    assertThat(f.deals.resume(shop.owner(), dealId).await().getString("status")).isEqualTo("OPEN");
    f.join(v, dealId, 1);
    assertThat(f.deals.get(dealId).await().getInteger("joinedBuyers")).isEqualTo(1);
  }

  @Test
  void closingEarlyFailsAnUnformedDealAndClosesAFormedOne() {
    DealFixture.Shop shop = shop();
    long unformed = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 3, CountBy.BUYERS, 10, 1,
        f.now().plusHours(2)));
    long formed = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 1, CountBy.BUYERS, 10, 1,
        f.now().plusHours(2)));
    Caller v = f.viewer("小李");
    f.join(v, unformed, 1);
    f.join(v, formed, 1);
    awaitStatus(formed, "FORMED");

    assertThat(f.deals.closeNow(shop.owner(), unformed).await().getString("status")).isEqualTo("FAILED");
    assertThat(f.deals.closeNow(shop.owner(), formed).await().getString("status")).isEqualTo("CLOSED");
    assertThat(orderStatuses(unformed)).containsOnly("CANCELLED");
    assertThat(orderStatuses(formed)).containsOnly("CONFIRMED");
    assertThat(refused(v, formed, 1).status()).isEqualTo(410);
    assertThat(f.deals.closeNow(shop.owner(), formed).await().getString("status")).as("twice is fine")
        .isEqualTo("CLOSED");
  }

  @Test
  void twoNodesAtTheDeadlineFailTheDealOnce() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 5, CountBy.BUYERS, 10, 1,
        f.now().plusMinutes(10)));
    for (int i = 0; i < 3; i++) {
      f.join(f.viewer("邻居" + i), dealId, 1);
    }
    try (DealFixture other = new DealFixture(f)) {
      f.clock.advance(Duration.ofMinutes(11));
      other.clock.advance(Duration.ofMinutes(11));
      Future.all(f.deadlines.runOnce(), other.deadlines.runOnce(), f.deadlines.runOnce(),
          other.deadlines.runOnce()).await();
      long failedEvents = f.room.count("deal.status", "status", "FAILED")
          + other.room.count("deal.status", "status", "FAILED");
      assertThat(failedEvents).as("the room is told once").isEqualTo(1);
    }
    assertThat(f.status(dealId)).isEqualTo("FAILED");
    assertThat(orderStatuses(dealId)).hasSize(3).containsOnly("CANCELLED");
  }

  @Test
  void aNodeThatWasDownAtTheDeadlineCatchesUp() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 1, CountBy.BUYERS, 10, 1,
        f.now().plusMinutes(5)));
    f.join(f.viewer("小张"), dealId, 1);
    f.clock.advance(Duration.ofHours(3));
    // A node starting long after the deadline: its first sweep ends what it missed.
    try (DealFixture restarted = new DealFixture(f)) {
      restarted.clock.advance(Duration.ofHours(3));
      assertThat(restarted.deadlines.runOnce().await()).isGreaterThanOrEqualTo(1);
    }
    assertThat(f.status(dealId)).isEqualTo("CLOSED");
  }

  @Test
  void everyonePaysTheBestTierReachedAndEachChangeIsRecorded() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 2, CountBy.UNITS, 20, 3, null,
        null, f.now().plusHours(1), List.of(new Tier(4, 2590), new Tier(6, 2290))));
    JsonObject fresh = f.deals.get(dealId).await();
    assertThat(fresh.getLong("currentPriceFen")).isEqualTo(2990);

    Caller a = f.viewer("甲");
    Caller b = f.viewer("乙");
    Caller c = f.viewer("丙");
    JsonObject first = f.join(a, dealId, 2);                  // count 2: ¥29.90
    assertThat(first.getJsonObject("order").getLong("amountFen")).isEqualTo(2 * 2990);
    assertThat(first.getJsonObject("deal").getJsonObject("nextTier").getInteger("needed")).isEqualTo(2);
    JsonObject second = f.join(b, dealId, 2);                 // count 4: ¥25.90
    assertThat(second.getJsonObject("order").getLong("amountFen")).isEqualTo(2 * 2590);
    f.join(c, dealId, 3);                                     // count 7: ¥22.90, no tier left
    assertThat(f.deals.get(dealId).await().getValue("nextTier")).isNull();

    awaitStatus(dealId, "FORMED");
    f.deals.closeNow(shop.owner(), dealId).await();
    List<Row> orders = new ArrayList<>();
    f.platform.pool().preparedQuery("select unit_price_fen, amount_fen, quantity from orders where deal_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(dealId)).await().forEach(orders::add);
    assertThat(orders).allSatisfy(o -> {
      assertThat(o.getLong("unit_price_fen")).isEqualTo(2290);
      assertThat(o.getLong("amount_fen")).isEqualTo(o.getInteger("quantity") * 2290L);
    });
    List<Row> adjustments = new ArrayList<>();
    f.platform.pool().preparedQuery("select a.amount_before_fen, a.amount_after_fen from order_adjustments a"
            + " join orders o on o.id = a.order_id where o.deal_id = $1 order by a.amount_before_fen")
        .execute(io.vertx.sqlclient.Tuple.of(dealId)).await().forEach(adjustments::add);
    assertThat(adjustments).hasSize(2);
    assertThat(adjustments.get(0).getLong(0)).isEqualTo(2 * 2590);
    assertThat(adjustments.get(0).getLong(1)).isEqualTo(2 * 2290);
    assertThat(adjustments.get(1).getLong(0)).isEqualTo(2 * 2990);
    assertThat(adjustments.get(1).getLong(1)).isEqualTo(2 * 2290);
  }

  @Test
  void perOrderBoundsAndSensibleTiersAreEnforced() {
    DealFixture.Shop shop = shop();
    long dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 2, CountBy.UNITS, 20, 5, 2,
        null, f.now().plusHours(1), List.of()));
    Problem tooMany = refused(f.viewer("大户"), dealId, 3);
    assertThat(tooMany.status()).isEqualTo(422);
    assertThat(tooMany.errors().get(0).field()).isEqualTo("quantity");

    Problem badTier = catchThrowableOfType(Problem.class, () -> f.deals.create(shop.owner(), shop.streamId(),
        new DealService.NewDeal(shop.productId(), 2990, 5, CountBy.UNITS, 20, 5, null, null, f.now().plusHours(1),
            List.of(new Tier(10, 2590), new Tier(8, 2290)))).await());
    assertThat(badTier.errors().get(0).field()).isEqualTo("tiers[1].minCount");
  }

  private static List<String> orderStatuses(long dealId) {
    List<String> statuses = new ArrayList<>();
    f.platform.pool().preparedQuery("select status from orders where deal_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(dealId)).await().forEach(r -> statuses.add(r.getString(0)));
    return statuses;
  }
}
