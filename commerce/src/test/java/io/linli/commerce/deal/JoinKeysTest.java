package io.linli.commerce.deal;

import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The record's keys on the two tables a join writes (orders, and deal_buyers for households) are checked once per
 * statement by triggers (migration V15) instead of per row by declared foreign keys. They must refuse everything
 * the foreign keys refused, with the same error, including under a concurrent delete of a parent.
 */
class JoinKeysTest extends DealTestBase {
  private DealFixture.Shop shop;
  private long dealId;
  private long viewerId;

  @BeforeEach
  void aDealWithAHousehold() {
    shop = shop();
    dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 10, CountBy.UNITS, 100, 5,
        f.now().plusDays(1)));
    viewerId = f.viewer("小王").id();
    sql("insert into deal_buyers(deal_id, viewer_id, units) values ($1, $2, 1)", dealId, viewerId);
  }

  @Test
  void aJoinWithATokenForAViewerTheRecordDoesNotHaveIsAskedToSignInAgain() {
    Caller stranger = new Caller(Caller.Kind.VIEWER, Ids.next(), "陌生人");

    Problem refused = problem(() -> f.join(stranger, dealId, 1));

    assertEquals(401, refused.status());
    assertEquals(0, f.redisCounts(dealId).joinedUnits(), "the refused join left a count behind");
  }

  @Test
  void anOrderForAHouseholdTheDealDoesNotHaveIsRefused() {
    long otherViewer = f.viewer("小李").id();

    PgException refused = refusedBy(() -> insertOrder(Ids.next(), dealId, shop.storeId(), otherViewer, null));

    assertEquals("orders_household_fkey", refused.getConstraint());
    assertTrue(refused.getDetail().contains("is not present in table \"deal_buyers\""), refused.getDetail());
  }

  @Test
  void anOrderNamingAnotherStoreThanItsDealsIsRefused() {
    long otherStore = shop().storeId();

    PgException refused = refusedBy(() -> insertOrder(Ids.next(), dealId, otherStore, viewerId, null));

    assertEquals("orders_deal_store_stream_fkey", refused.getConstraint());
  }

  @Test
  void anOrderAtAPickupPointThatDoesNotExistIsRefused() {
    PgException refused = refusedBy(() -> insertOrder(Ids.next(), dealId, shop.storeId(), viewerId, Ids.next()));

    assertEquals("orders_pickup_point_id_fkey", refused.getConstraint());
  }

  @Test
  void oneBadOrderRefusesTheWholeStatementAndTheGoodOnesWithIt() {
    long good = Ids.next();
    long stranger = f.viewer("小张").id();

    refusedBy(() -> f.platform.pool().preparedQuery("insert into orders(id, deal_id, store_id, stream_id, viewer_id,"
        + " quantity, unit_price_fen, amount_fen, status, idempotency_key) select id, $2, $3, $4, v, 1, 2990, 2990,"
        + " 'PLACED', id::text from unnest($1::bigint[], $5::bigint[]) as o(id, v)")
        .execute(Tuple.of(new Long[] {good, Ids.next()}, dealId, shop.storeId(), shop.streamId(),
            new Long[] {viewerId, stranger})).await());

    assertEquals(0, count("select count(*) from orders where id = $1", good));
  }

  @Test
  void aHouseholdOfAViewerOrADealThatDoesNotExistIsRefused() {
    PgException noViewer = refusedBy(() -> sql("insert into deal_buyers(deal_id, viewer_id, units) values ($1, $2, 1)",
        dealId, Ids.next()));
    PgException noDeal = refusedBy(() -> sql("insert into deal_buyers(deal_id, viewer_id, units) values ($1, $2, 1)",
        Ids.next(), viewerId));

    assertEquals("deal_buyers_viewer_id_fkey", noViewer.getConstraint());
    assertEquals("deal_buyers_deal_id_fkey", noDeal.getConstraint());
  }

  @Test
  void aParentWithChildrenCannotBeDeletedOrRekeyedAndOneWithoutCan() {
    long point = pickupPoint();
    insertOrder(Ids.next(), dealId, shop.storeId(), viewerId, point);

    assertEquals("orders_household_fkey", refusedBy(() -> sql(
        "delete from deal_buyers where deal_id = $1 and viewer_id = $2", dealId, viewerId)).getConstraint());
    assertEquals("deal_buyers_viewer_id_fkey", refusedBy(() -> sql("delete from viewers where id = $1", viewerId))
        .getConstraint());
    assertEquals("orders_deal_store_stream_fkey", refusedBy(() -> sql("delete from deals where id = $1", dealId))
        .getConstraint());
    assertEquals("orders_pickup_point_id_fkey", refusedBy(() -> sql("delete from pickup_points where id = $1", point))
        .getConstraint());
    assertEquals("orders_deal_store_stream_fkey", refusedBy(() -> sql(
        "update deals set store_id = $2 where id = $1", dealId, shop().storeId())).getConstraint());

    long lonelyViewer = f.viewer("路人").id();
    sql("delete from viewers where id = $1", lonelyViewer);
    assertEquals(0, count("select count(*) from viewers where id = $1", lonelyViewer));
  }

  @Test
  void householdsCannotBeTruncatedUnderTheirOrders() {
    insertOrder(Ids.next(), dealId, shop.storeId(), viewerId, null);

    PgException refused = catchThrowableOfType(PgException.class, () -> sql("truncate deal_buyers"));

    assertNotNull(refused, "households were truncated under their orders");
    assertEquals("0A000", refused.getSqlState());
    assertEquals(1, count("select count(*) from deal_buyers where viewer_id = $1", viewerId));
  }

  @Test
  void anOrderMovedToAHouseholdOrPointThatDoesNotExistIsRefused() {
    long order = Ids.next();
    insertOrder(order, dealId, shop.storeId(), viewerId, null);

    assertEquals("orders_household_fkey", refusedBy(() -> sql("update orders set viewer_id = $2 where id = $1", order,
        f.viewer("小赵").id())).getConstraint());
    assertEquals("orders_pickup_point_id_fkey", refusedBy(() -> sql(
        "update orders set pickup_point_id = $2 where id = $1", order, Ids.next())).getConstraint());
    long point = pickupPoint();
    sql("update orders set pickup_point_id = $2 where id = $1", order, point);
    assertEquals(1, count("select count(*) from orders where pickup_point_id = $1", point));
  }

  @Test
  void aViewerDeletedWhileTheirHouseholdIsBeingWrittenWaitsAndIsThenRefused() {
    long viewer = f.viewer("小陈").id();

    PgException refused = waitsForTheCommitThenIsRefused(
        "insert into deal_buyers(deal_id, viewer_id, units) values ($1, $2, 1)", Tuple.of(dealId, viewer),
        "delete from viewers where id = $1", Tuple.of(viewer));

    assertEquals("deal_buyers_viewer_id_fkey", refused.getConstraint());
    assertEquals(1, count("select count(*) from viewers where id = $1", viewer));
  }

  @Test
  void aHouseholdWrittenWhileItsViewerIsBeingDeletedWaitsAndIsThenRefused() {
    long viewer = f.viewer("小周").id();

    PgException refused = waitsForTheCommitThenIsRefused(
        "delete from viewers where id = $1", Tuple.of(viewer),
        "insert into deal_buyers(deal_id, viewer_id, units) values ($1, $2, 1)", Tuple.of(dealId, viewer));

    assertEquals("deal_buyers_viewer_id_fkey", refused.getConstraint());
    assertEquals(0, count("select count(*) from deal_buyers where viewer_id = $1", viewer));
  }

  /** {@code first} in a transaction left open, then {@code second} beside it: it must wait for the commit, then fail. */
  private static PgException waitsForTheCommitThenIsRefused(String first, Tuple firstArgs, String second,
      Tuple secondArgs) {
    SqlConnection open = f.platform.pool().getConnection().await();
    SqlConnection beside = f.platform.pool().getConnection().await();
    try {
      open.query("begin").execute().await();
      open.preparedQuery(first).execute(firstArgs).await();

      Future<?> waiting = beside.preparedQuery(second).execute(secondArgs);
      sleep(300);
      assertFalse(waiting.isComplete(), "\"" + second + "\" did not wait for \"" + first + "\"");

      open.query("commit").execute().await();
      return refusedBy(waiting::await);
    } finally {
      open.close().await();
      beside.close().await();
    }
  }

  private void insertOrder(long id, long deal, long store, long viewer, Long pickupPoint) {
    f.platform.pool().preparedQuery("insert into orders(id, deal_id, store_id, stream_id, viewer_id, quantity,"
            + " unit_price_fen, amount_fen, status, idempotency_key, pickup_point_id)"
            + " values ($1, $2, $3, $4, $5, 1, 2990, 2990, 'PLACED', $6, $7)")
        .execute(Tuple.from(new Object[] {id, deal, store, shop.streamId(), viewer, "k-" + id, pickupPoint})).await();
  }

  private long pickupPoint() {
    long id = Ids.next();
    sql("insert into pickup_points(id, store_id, name, kind, address) values ($1, $2, '楼下驿站', 'LOCKER', '1号楼')",
        id, shop.storeId());
    return id;
  }

  private static void sql(String statement, Object... args) {
    f.platform.pool().preparedQuery(statement).execute(Tuple.from(args)).await();
  }

  private static long count(String query, Object... args) {
    return f.platform.pool().preparedQuery(query).execute(Tuple.from(args)).await().iterator().next().getLong(0);
  }

  private static PgException refusedBy(Runnable action) {
    PgException refused = catchThrowableOfType(PgException.class, action::run);
    assertNotNull(refused, "the record accepted it");
    assertEquals("23503", refused.getSqlState(), refused.getMessage());
    return refused;
  }

  private static Problem problem(Runnable action) {
    Problem refused = catchThrowableOfType(Problem.class, action::run);
    assertNotNull(refused, "the join was accepted");
    return refused;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
