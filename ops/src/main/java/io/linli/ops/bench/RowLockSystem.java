package io.linli.ops.bench;

import io.linli.core.id.Ids;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** System (b): the row-lock baseline ({@link RowLockBaseline}) on the same node, same HTTP layer, no Redis. */
final class RowLockSystem implements SystemUnderTest {
  private final TapClient taps;
  private final Pool pool;
  private final Sale sale;
  private final Buyers buyers;
  private final BenchOptions options;

  RowLockSystem(TapClient taps, Pool pool, Sale sale, Buyers buyers, BenchOptions options) {
    this.taps = taps;
    this.pool = pool;
    this.sale = sale;
    this.buyers = buyers;
    this.options = options;
  }

  @Override
  public String label() {
    return "(b) row-lock UPDATE + INSERT (PostgreSQL only)";
  }

  @Override
  public int lanes() {
    return options.connections();
  }

  @Override
  public Buyers.Source buyers(long seed) {
    return buyers.shuffled(seed);
  }

  @Override
  public int buyersNeeded(int stock) {
    return stock;
  }

  @Override
  public Deal open(int stock) {
    long id = Ids.next();
    pool.preparedQuery("insert into bench_row_lock_stock(deal_id, store_id, stream_id, price_fen, initial_stock,"
            + " stock, per_buyer_limit, max_per_order) values ($1, $2, $3, $4, $5, $5, $6, $6)")
        .execute(Tuple.of(id, sale.storeIdNumber(), sale.streamIdNumber(), Sale.GROUP_PRICE_FEN, stock,
            options.perBuyerLimit()))
        .await();
    return new Deal(id, Ids.toText(id), stock,
        new HttpJoinTarget(taps, "/bench/row-lock/deals/%s/join", Ids.toText(id)));
  }

  @Override
  public List<Check> check(Deal deal, RunStats stats) {
    return new RowLockInvariants(pool, options.perBuyerLimit()).check(deal, stats);
  }
}
