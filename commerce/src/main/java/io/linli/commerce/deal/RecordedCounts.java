package io.linli.commerce.deal;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;

/** A deal's counts as PostgreSQL records them: the truth Redis is rebuilt from and compared with. */
record RecordedCounts(int buyers, int units, Map<Long, Integer> unitsByBuyer) {
  static final RecordedCounts NONE = new RecordedCounts(0, 0, Map.of());

  /** Units held (joined, paid or not) and units that count towards the group (committed), per household. */
  record Both(RecordedCounts joined, RecordedCounts committed) {}

  static Future<Both> read(Pool pool, long dealId) {
    Future<RecordedCounts> joined = pool
        .preparedQuery("select viewer_id, sum(quantity)::int as units from orders where deal_id = $1"
            + " and status in " + DealService.HOLDING + " group by viewer_id")
        .execute(Tuple.of(dealId))
        .map(RecordedCounts::of);
    Future<RecordedCounts> committed = pool
        .preparedQuery("select viewer_id, sum(quantity)::int as units from orders where deal_id = $1"
            + " and status in " + DealService.COMMITTED + " group by viewer_id")
        .execute(Tuple.of(dealId))
        .map(RecordedCounts::of);
    return Future.all(joined, committed).map(x -> new Both(joined.result(), committed.result()));
  }

  private static RecordedCounts of(RowSet<Row> rows) {
    Map<Long, Integer> byBuyer = new HashMap<>();
    rows.forEach(r -> byBuyer.put(r.getLong(0), r.getInteger(1)));
    return new RecordedCounts(byBuyer.size(), byBuyer.values().stream().mapToInt(Integer::intValue).sum(), byBuyer);
  }
}
