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
 * The record's keys on the table a join writes (orders: its viewer, its deal with store and stream, its pickup point)
 * are checked once per statement by triggers (migrations V15, V16) instead of per row by declared foreign keys. They
 * must refuse everything the foreign keys refused, with the same error, including under a concurrent delete of a
 * parent.
 */
class JoinKeysTest extends DealTestBase {
  private DealFixture.Shop shop;
  private long dealId;
  private long viewerId;

  private static final String INSERT_ORDER = "insert into orders(id, deal_id, store_id, stream_id, viewer_id,"
      + " quantity, unit_price_fen, amount_fen, status, idempotency_key, pickup_point_id)"
      + " values ($1, $2, $3, $4, $5, 1, 2990, 2990, 'PLACED', $6, $7)";

  @BeforeEach
  void aDealAndAViewer() {
    shop = shop();
    dealId = f.openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, 10, CountBy.UNITS, 100, 5,
        f.now().plusDays(1)));
    viewerId = f.viewer("小王").id();
  }

  @Test
  void aJoinWithATokenForAViewerTheRecordDoesNotHaveIsAskedToSignInAgain() {
    Caller stranger = new Caller(Caller.Kind.VIEWER, Ids.next(), "陌生人");

    Problem refused = problem(() -> f.join(stranger, dealId, 1));

    assertEquals(401, refused.status());
    assertEquals(0, f.redisCounts(dealId).joinedUnits(), "the refused join left a count behind");
  }

  @Test
  void anOrderForAViewerTheRecordDoesNotHaveIsRefused() {
    long stranger = Ids.next();

    PgException refused = refusedBy(() -> insertOrder(Ids.next(), dealId, shop.storeId(), stranger, null));

    assertEquals("orders_viewer_id_fkey", refused.getConstraint());
    assertTrue(refused.getDetail().contains("is not present in table \"viewers\""), refused.getDetail());
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
    long stranger = Ids.next();

    refusedBy(() -> f.platform.pool().preparedQuery("insert into orders(id, deal_id, store_id, stream_id, viewer_id,"
        + " quantity, unit_price_fen, amount_fen, status, idempotency_key) select id, $2, $3, $4, v, 1, 2990, 2990,"
        + " 'PLACED', id::text from unnest($1::bigint[], $5::bigint[]) as o(id, v)")
        .execute(Tuple.of(new Long[] {good, Ids.next()}, dealId, shop.storeId(), shop.streamId(),
            new Long[] {viewerId, stranger})).await());

    assertEquals(0, count("select count(*) from orders where id = $1", good));
  }

  @Test
  void aParentWithChildrenCannotBeDeletedOrRekeyedAndOneWithoutCan() {
    long point = pickupPoint();
    insertOrder(Ids.next(), dealId, shop.storeId(), viewerId, point);

    assertEquals("orders_viewer_id_fkey", refusedBy(() -> sql("delete from viewers where id = $1", viewerId))
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
  void anOrderMovedToAViewerOrPointThatDoesNotExistIsRefused() {
    long order = Ids.next();
    insertOrder(order, dealId, shop.storeId(), viewerId, null);

    assertEquals("orders_viewer_id_fkey", refusedBy(() -> sql("update orders set viewer_id = $2 where id = $1", order,
        Ids.next())).getConstraint());
    assertEquals("orders_pickup_point_id_fkey", refusedBy(() -> sql(
        "update orders set pickup_point_id = $2 where id = $1", order, Ids.next())).getConstraint());
    long point = pickupPoint();
    sql("update orders set pickup_point_id = $2 where id = $1", order, point);
    assertEquals(1, count("select count(*) from orders where pickup_point_id = $1", point));
  }

  @Test
  void aViewerDeletedWhileTheirOrderIsBeingWrittenWaitsAndIsThenRefused() {
    long viewer = f.viewer("小陈").id();
    long order = Ids.next();

    PgException refused = waitsForTheCommitThenIsRefused(
        INSERT_ORDER, orderRow(order, dealId, shop.storeId(), viewer, null),
        "delete from viewers where id = $1", Tuple.of(viewer));

    assertEquals("orders_viewer_id_fkey", refused.getConstraint());
    assertEquals(1, count("select count(*) from viewers where id = $1", viewer));
    assertEquals(1, count("select count(*) from orders where id = $1", order));
  }

  @Test
  void anOrderWrittenWhileItsViewerIsBeingDeletedWaitsAndIsThenRefused() {
    long viewer = f.viewer("小周").id();

    PgException refused = waitsForTheCommitThenIsRefused(
        "delete from viewers where id = $1", Tuple.of(viewer), INSERT_ORDER,
        orderRow(Ids.next(), dealId, shop.storeId(), viewer, null));

    assertEquals("orders_viewer_id_fkey", refused.getConstraint());
    assertEquals(0, count("select count(*) from orders where viewer_id = $1", viewer));
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
    f.platform.pool().preparedQuery(INSERT_ORDER).execute(orderRow(id, deal, store, viewer, pickupPoint)).await();
  }

  /** {@link #INSERT_ORDER}'s parameters: one unit at 29.90, placed, with its own key. */
  private Tuple orderRow(long id, long deal, long store, long viewer, Long pickupPoint) {
    return Tuple.from(new Object[] {id, deal, store, shop.streamId(), viewer, "k-" + id, pickupPoint});
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
