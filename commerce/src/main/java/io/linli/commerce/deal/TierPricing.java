package io.linli.commerce.deal;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Everyone pays the best tier the deal reached: orders placed at a higher price are lowered, and each change
 * is recorded as an adjustment (before, after), so what a buyer owes always has a paper trail. A delivery fee
 * is not goods: it stays as it was.
 */
final class TierPricing {
  private static final String APPLY = "with changed as ("
      + " select id, amount_fen as before from orders where deal_id = $1 and status in " + DealService.COMMITTED
      + " and unit_price_fen > $2 for update),"
      + " lowered as (update orders o set unit_price_fen = $2, amount_fen = o.quantity * $2 + o.delivery_fee_fen, updated_at = now()"
      + " from changed c where o.id = c.id returning o.id, c.before, o.amount_fen)"
      + " insert into order_adjustments(order_id, kind, amount_before_fen, amount_after_fen)"
      + " select id, 'TIER_PRICE', before, amount_fen from lowered";

  private TierPricing() {}

  /** Answers how many orders were lowered. */
  static Future<Integer> apply(SqlClient tx, long dealId, long bestPriceFen) {
    return tx.preparedQuery(APPLY).execute(Tuple.of(dealId, bestPriceFen)).map(rs -> rs.rowCount());
  }
}
