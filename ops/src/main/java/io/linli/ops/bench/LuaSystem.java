package io.linli.ops.bench;

import io.lettuce.core.api.StatefulRedisConnection;
import io.linli.core.id.Ids;
import io.vertx.core.Context;
import java.util.List;

/** System (c), the limit: the bare join script on Redis, no HTTP, no PostgreSQL. */
final class LuaSystem implements SystemUnderTest {
  private final StatefulRedisConnection<String, String> redis;
  private final Context context;
  private final BenchOptions options;
  private final String sha;
  private final SetupApi api;
  private final Sale sale;

  LuaSystem(StatefulRedisConnection<String, String> redis, Context context, SetupApi api, Sale sale,
      BenchOptions options) {
    this.redis = redis;
    this.api = api;
    this.sale = sale;
    this.context = context;
    this.options = options;
    this.sha = LuaDeal.loadJoinScript(redis.sync());
  }

  @Override
  public String label() {
    return "(c) bare deal_join.lua on Redis (pipelined Lettuce)";
  }

  @Override
  public int lanes() {
    return options.luaLanes();
  }

  @Override
  public Buyers.Source buyers(long seed) {
    return Buyers.synthetic();
  }

  @Override
  public int buyersNeeded(int stock) {
    return 0;
  }

  @Override
  public Deal open(int stock) {
    long template = Ids.parse(sale.openLinliDeal(api, stock, options.perBuyerLimit(), options.threshold()));
    long id = Ids.next();
    LuaDeal.openLike(redis.sync(), template, id);
    return new Deal(id, Ids.toText(id), stock, new LuaJoinTarget(redis.async(), sha, id, context));
  }

  @Override
  public List<Check> check(Deal deal, RunStats stats) {
    return new LuaInvariants(redis.sync(), options.perBuyerLimit()).check(deal, stats);
  }
}
