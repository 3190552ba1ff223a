package io.linli.commerce.deal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.commerce.order.NewOrder;
import io.linli.commerce.order.OrderStatus;
import io.linli.commerce.order.OrderWriter;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL holds a household to the deal's limit on its own, without Redis: the order writer counts the
 * household's orders that still hold stock once it has the deal's row lock (migration V16). These write straight
 * through {@link OrderWriter}, as a node does after the join script, but with no script in front to refuse first.
 */
class RecordedLimitTest extends DealTestBase {
  private static DealFixture otherNode;
  private static OrderWriter here;
  private static OrderWriter there;

  @BeforeAll
  static void twoNodes() {
    otherNode = new DealFixture(f);
    here = new OrderWriter(f.vertx, f.platform.pool());
    there = new OrderWriter(otherNode.vertx, otherNode.platform.pool());
  }

  @AfterAll
  static void stopOtherNode() {
    otherNode.close();
  }

  private record Deal(long id, DealFixture.Shop shop) {}

  private static Deal deal(int limit) {
    DealFixture.Shop shop = shop();
    return new Deal(f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 1000, CountBy.UNITS, 10_000,
        limit, f.now().plusDays(1))), shop);
  }

  private static NewOrder order(Deal deal, long viewerId, int quantity) {
    long id = Ids.next();
    return new NewOrder(id, deal.id(), deal.shop().storeId(), deal.shop().streamId(), viewerId, quantity, 2990, null,
        "k-" + id, OrderStatus.PLACED, null, null, 0, null, null);
  }

  /** Null when written, else the slug of the refusal. */
  private static String outcome(Future<Void> write) {
    try {
      write.await();
      return null;
    } catch (Problem refused) {
      return refused.type().substring(refused.type().lastIndexOf('/') + 1);
    }
  }

  @Test
  void anOrderThatWouldTakeAHouseholdOverTheLimitIsRefusedAndOneThatFitsIsNot() {
    Deal deal = deal(3);
    long household = f.viewer("小王").id();

    assertThat(outcome(here.write(order(deal, household, 2)))).isNull();
    assertThat(outcome(here.write(order(deal, household, 2)))).isEqualTo("limit-reached");
    assertThat(outcome(here.write(order(deal, household, 1)))).isNull();

    assertThat(f.heldUnits(deal.id(), household)).isEqualTo(3);
    assertThat(f.recorded("select sold_units from deals where id = $1", deal.id())).isEqualTo(3);
  }

  @Test
  void twoOrdersOfOneHouseholdInOneBatchMustFitTogetherWhileANeighbourIsWritten() {
    Deal deal = deal(3);
    long household = f.viewer("小李").id();
    long neighbour = f.viewer("小张").id();

    // Sent without waiting, so the writer gathers them into batches.
    List<Future<Void>> writes = List.of(here.write(order(deal, household, 2)), here.write(order(deal, household, 2)),
        here.write(order(deal, neighbour, 3)));

    List<String> outcomes = writes.stream().map(RecordedLimitTest::outcome).toList();
    assertThat(outcomes.subList(0, 2)).containsExactlyInAnyOrder(null, "limit-reached");
    assertThat(outcomes.get(2)).isNull();
    assertThat(f.heldUnits(deal.id(), household)).isEqualTo(2);
    assertThat(f.heldUnits(deal.id(), neighbour)).isEqualTo(3);
  }

  @Test
  void ordersThatNoLongerHoldStockLeaveTheHouseholdItsLimitAgain() {
    Deal deal = deal(3);
    long household = f.viewer("小赵").id();
    NewOrder first = order(deal, household, 3);
    assertThat(outcome(here.write(first))).isNull();
    assertThat(outcome(here.write(order(deal, household, 1)))).isEqualTo("limit-reached");

    f.platform.pool().preparedQuery("update orders set status = 'CANCELLED' where id = $1")
        .execute(Tuple.of(first.id())).await();

    assertThat(outcome(here.write(order(deal, household, 3)))).isNull();
    assertThat(f.heldUnits(deal.id(), household)).isEqualTo(3);
  }

  @Test
  void twoNodesWritingOneHouseholdAtOnceNeverTakeItOverTheLimit() {
    Deal deal = deal(5);
    long household = f.viewer("小陈").id();

    List<Future<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      writes.add((i % 2 == 0 ? here : there).write(order(deal, household, 1)));
    }

    List<String> outcomes = writes.stream().map(RecordedLimitTest::outcome).toList();
    assertThat(outcomes.stream().filter(o -> o == null).count()).isEqualTo(5);
    assertThat(outcomes.stream().filter(o -> o != null)).containsOnly("limit-reached");
    assertThat(f.heldUnits(deal.id(), household)).isEqualTo(5);
  }
}
