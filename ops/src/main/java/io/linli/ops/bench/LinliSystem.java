package io.linli.ops.bench;

import io.linli.core.id.Ids;
import io.vertx.sqlclient.Pool;
import java.util.List;

/** System (a): Linli's own join, {@code POST /api/deals/{id}/join}, on the node. */
final class LinliSystem implements SystemUnderTest {
  private final SetupApi api;
  private final TapClient taps;
  private final Pool pool;
  private final Sale sale;
  private final Buyers buyers;
  private final BenchOptions options;

  LinliSystem(SetupApi api, TapClient taps, Pool pool, Sale sale, Buyers buyers, BenchOptions options) {
    this.api = api;
    this.taps = taps;
    this.pool = pool;
    this.sale = sale;
    this.buyers = buyers;
    this.options = options;
  }

  @Override
  public String label() {
    return "(a) Linli join path";
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
    String id = sale.openLinliDeal(api, stock, options.perBuyerLimit(), options.threshold());
    return new Deal(Ids.parse(id), id, stock,
        new HttpJoinTarget(taps, "/api/deals/%s/join", id));
  }

  @Override
  public List<Check> check(Deal deal, RunStats stats) {
    return new LinliInvariants(pool, api, options.perBuyerLimit()).check(deal, stats);
  }
}
