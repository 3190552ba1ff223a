package io.linli.ops.bench;

import io.linli.ops.bench.SystemUnderTest.Deal;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** The invariants of ARCHITECTURE.md "The hot path", checked on Linli's record and on its API after a run. */
final class LinliInvariants {
  private static final long QUIET_TIMEOUT_MS = 30_000;
  private static final String RECORD = "select d.stock, count(o.id) as orders, count(distinct o.viewer_id) as buyers,"
      + " coalesce(sum(o.quantity), 0)::int as units,"
      + " count(distinct (o.viewer_id, o.idempotency_key)) as keys"
      + " from deals d left join orders o on o.deal_id = d.id and o.status <> 'CANCELLED'"
      + " where d.id = $1 group by d.stock";
  private static final String MOST_HELD = "select coalesce(max(units), 0)::int from (select sum(quantity) as units"
      + " from orders where deal_id = $1 and status <> 'CANCELLED' group by viewer_id) held";
  private static final String ORDER_IDS = "select id from orders where deal_id = $1 and status <> 'CANCELLED'"
      + " order by id";

  private final Pool pool;
  private final SetupApi api;
  private final int perBuyerLimit;

  LinliInvariants(Pool pool, SetupApi api, int perBuyerLimit) {
    this.pool = pool;
    this.api = api;
    this.perBuyerLimit = perBuyerLimit;
  }

  List<Check> check(Deal deal, RunStats stats) {
    List<Check> checks = new ArrayList<>();
    Check counts = redisMatchesRecord(deal);
    Row record = pool.preparedQuery(RECORD).execute(Tuple.of(deal.id())).await().iterator().next();
    int stock = record.getInteger("stock");
    int units = record.getInteger("units");
    long orders = record.getLong("orders");
    long keys = record.getLong("keys");
    checks.add(new Check("no oversell", units <= stock, units + " units ordered of " + stock + " in stock"));
    int mostHeld = pool.preparedQuery(MOST_HELD).execute(Tuple.of(deal.id())).await().iterator().next().getInteger(0);
    checks.add(new Check("per-buyer limit", mostHeld <= perBuyerLimit,
        "most held by one household " + mostHeld + ", limit " + perBuyerLimit));
    checks.add(new Check("key counted once", orders == keys && stats.idempotencyViolations == 0,
        orders + " orders for " + keys + " distinct (household, key); " + stats.idempotencyViolations
            + " keys answered with two orders"));
    checks.add(counts);
    List<Long> ids = new ArrayList<>();
    pool.preparedQuery(ORDER_IDS).execute(Tuple.of(deal.id())).await().forEach(r -> ids.add(r.getLong(0)));
    checks.add(Check.answeredEqualsRecorded(stats, ids.stream().mapToLong(Long::longValue).toArray()));
    return checks;
  }

  /** GET /api/deals/{id} (counts from Redis) against the record's aggregate, retried until quiet. */
  private Check redisMatchesRecord(Deal deal) {
    long deadline = System.currentTimeMillis() + QUIET_TIMEOUT_MS;
    String last;
    while (true) {
      JsonObject live = api.get("/api/deals/" + deal.idText());
      Row r = pool.preparedQuery(RECORD).execute(Tuple.of(deal.id())).await().iterator().next();
      int buyers = (int) r.getLong("buyers").longValue();
      int units = r.getInteger("units");
      // Every join here is paid on pickup, so the joined and the committed counts are both the record's.
      boolean same = live.getInteger("joinedBuyers") == buyers && live.getInteger("joinedUnits") == units
          && live.getInteger("committedBuyers") == buyers && live.getInteger("committedUnits") == units
          && live.getInteger("remaining") == r.getInteger("stock") - units;
      last = "Redis joined " + live.getInteger("joinedBuyers") + " buyers/" + live.getInteger("joinedUnits")
          + " units, committed " + live.getInteger("committedBuyers") + "/" + live.getInteger("committedUnits")
          + ", remaining " + live.getInteger("remaining") + "; record " + buyers + "/" + units + ", remaining "
          + (r.getInteger("stock") - units) + "; status " + live.getString("status");
      if (same || System.currentTimeMillis() > deadline) {
        return new Check("Redis = PostgreSQL when quiet", same, last);
      }
      sleep(500);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
