package io.linli.commerce.deal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.linli.core.auth.Caller;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

/** A household taps "join" twice at once (same Idempotency-Key): one order, and both taps are answered with it. */
class DoubleTapTest extends DealTestBase {
  @Test
  void theTwinOfATapWhoseCommitIsSlowWaitsForThatCommitAndAnswersTheSameOrder() throws InterruptedException {
    long dealId = f.openDeal(phone(), 100, 5, 10);
    Caller viewer = f.viewer("小李");
    JoinService.JoinRequest tap = new JoinService.JoinRequest(dealId, 1, "double-tap", null, null);

    // The deal's row locked by another transaction holds the first tap's commit back.
    SqlConnection blocker = f.platform.pool().getConnection().await();
    Future<JsonObject> first;
    Future<JsonObject> twin;
    try {
      blocker.query("begin").execute().await();
      blocker.preparedQuery("select 1 from deals where id = $1 for update").execute(Tuple.of(dealId)).await();
      first = f.joins.join(viewer, tap);
      twin = f.joins.join(viewer, tap);
      // Longer than the twenty polls of 100 ms after which a twin used to give up with 409 in-progress.
      Thread.sleep(2500);
      assertFalse(first.isComplete(), "the first tap was answered before its commit");
      assertFalse(twin.isComplete(), "the twin was answered before the first tap committed: " + twin.cause());
      blocker.query("commit").execute().await();
    } finally {
      blocker.close().await();
    }

    String order = first.await().getJsonObject("order").getString("id");
    assertEquals(order, twin.await().getJsonObject("order").getString("id"));
    assertEquals(1, f.platform.pool().preparedQuery("select count(*) from orders where deal_id = $1")
        .execute(Tuple.of(dealId)).await().iterator().next().getLong(0));
    assertEquals(1, f.redisCounts(dealId).joinedUnits(), "the double tap counted twice");
  }
}
