package io.linli.ops.bench;

import io.linli.ops.bench.SystemUnderTest.Deal;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** The same invariants for the row-lock baseline (b), on its own tables; its "counters" are the stock and buyer rows. */
final class RowLockInvariants {
  private static final String RECORD = "select s.initial_stock, s.stock, count(o.id) as orders,"
      + " coalesce(sum(o.quantity), 0)::int as units, count(distinct (o.viewer_id, o.idempotency_key)) as keys"
      + " from bench_row_lock_stock s left join bench_row_lock_orders o on o.deal_id = s.deal_id"
      + " where s.deal_id = $1 group by s.initial_stock, s.stock";
  private static final String BY_BUYER = "with held as (select viewer_id, sum(quantity)::int as units"
      + " from bench_row_lock_orders where deal_id = $1 group by viewer_id),"
      + " rows as (select viewer_id, units from bench_row_lock_buyers where deal_id = $1)"
      + " select coalesce(max(held.units), 0)::int as most,"
      + " count(*) filter (where held.units is distinct from rows.units) as mismatched"
      + " from held full join rows using (viewer_id)";
  private static final String ORDER_IDS = "select id from bench_row_lock_orders where deal_id = $1 order by id";

  private final Pool pool;
  private final int perBuyerLimit;

  RowLockInvariants(Pool pool, int perBuyerLimit) {
    this.pool = pool;
    this.perBuyerLimit = perBuyerLimit;
  }

  List<Check> check(Deal deal, RunStats stats) {
    List<Check> checks = new ArrayList<>();
    Row r = pool.preparedQuery(RECORD).execute(Tuple.of(deal.id())).await().iterator().next();
    int initial = r.getInteger("initial_stock");
    int left = r.getInteger("stock");
    int units = r.getInteger("units");
    long orders = r.getLong("orders");
    long keys = r.getLong("keys");
    Row b = pool.preparedQuery(BY_BUYER).execute(Tuple.of(deal.id())).await().iterator().next();
    checks.add(new Check("no oversell", units <= initial, units + " units ordered of " + initial + " in stock"));
    checks.add(new Check("per-buyer limit", b.getInteger("most") <= perBuyerLimit,
        "most held by one household " + b.getInteger("most") + ", limit " + perBuyerLimit));
    checks.add(new Check("key counted once", orders == keys && stats.idempotencyViolations == 0,
        orders + " orders for " + keys + " distinct (household, key); " + stats.idempotencyViolations
            + " keys answered with two orders"));
    long mismatched = b.getLong("mismatched");
    checks.add(new Check("counters = orders", left == initial - units && mismatched == 0,
        "stock row " + left + " = " + initial + " - " + units + "; " + mismatched
            + " households whose row differs from their orders"));
    List<Long> ids = new ArrayList<>();
    pool.preparedQuery(ORDER_IDS).execute(Tuple.of(deal.id())).await().forEach(row -> ids.add(row.getLong(0)));
    checks.add(Check.answeredEqualsRecorded(stats, ids.stream().mapToLong(Long::longValue).toArray()));
    return checks;
  }
}
