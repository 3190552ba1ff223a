package io.linli.commerce.leader;

import io.linli.core.store.StoreLeaders;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** live-core's StoreLeaders port over {@code leaders}: who a leader is, for modules that do not keep them. */
public final class LeaderRecords implements StoreLeaders {
  private final Pool pool;

  public LeaderRecords(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Leader> find(long leaderId) {
    return pool.preparedQuery("select store_id, name from leaders where id = $1").execute(Tuple.of(leaderId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new Leader(leaderId, r.getLong("store_id"), r.getString("name"));
        });
  }
}
