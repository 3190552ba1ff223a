package io.linli.ops.bench;

import io.linli.core.Platform;
import io.linli.core.auth.Auth;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.http.Api;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Benchmark system (b), the design the public Java malls use, served by a Linli node only when the JVM runs
 * with {@code -Dlinli.bench.rowLock=true} (ops/bench/join-bench.sh does): every join is one PostgreSQL
 * transaction, no Redis.
 *
 * <p>It sits behind the same HTTP layer as Linli's join: the node's Vert.x Web router (request ids, access log,
 * the one problem+json failure handler), the same bearer tokens, a JSON body, and the same answers (201 with the
 * order, 409 sold-out / limit-reached, a repeated Idempotency-Key answers the first order). It skips the OpenAPI
 * validation Linli's routes pay for, which only flatters it.
 *
 * <p>One transaction per join, statements in this order (the hot stock row last, so its row lock is held for
 * the shortest time: from the UPDATE to the COMMIT):
 * <ol>
 *   <li>insert the order, {@code ON CONFLICT (deal_id, viewer_id, idempotency_key) DO NOTHING}: no row means the
 *       key was used before; roll back and answer the recorded order (a concurrent twin waits on the unique
 *       index until the first commits);</li>
 *   <li>the buyer's units: {@code INSERT ... ON CONFLICT (deal_id, viewer_id) DO UPDATE SET units = units + n
 *       WHERE units + n <= limit}: the buyer's row lock serializes one household's taps, no row means 409
 *       limit-reached;</li>
 *   <li>{@code UPDATE bench_row_lock_stock SET stock = stock - n WHERE deal_id = $1 AND stock >= n}: no row means
 *       409 sold-out;</li>
 *   <li>COMMIT, then 201.</li>
 * </ol>
 * Linli's own record counts a household's units from its orders once it holds the deal's row lock (migration
 * V16). Here that count would have to run inside the hot row's lock, which bounds (b)'s throughput, so (b) keeps a
 * row per buyer, taken before the lock, where it does not lengthen it.
 * Its tables come from {@link RowLockSchema}, created by the load generator, not by the product's migrations.
 */
public final class RowLockBaseline {
  /** The JVM system property that mounts the route; nothing is mounted without it. */
  public static final String ENABLE_PROPERTY = "linli.bench.rowLock";
  static final String PATH = "/bench/row-lock/deals/:dealId/join";

  private static final String INSERT_ORDER = "insert into bench_row_lock_orders(id, deal_id, store_id, stream_id,"
      + " viewer_id, quantity, unit_price_fen, amount_fen, status, ref, idempotency_key)"
      + " values ($1, $2, $3, $4, $5, $6, $7, $8, 'PLACED', $9, $10)"
      + " on conflict (deal_id, viewer_id, idempotency_key) do nothing";
  private static final String TAKE_LIMIT = "insert into bench_row_lock_buyers(deal_id, viewer_id, units)"
      + " values ($1, $2, $3) on conflict (deal_id, viewer_id) do update"
      + " set units = bench_row_lock_buyers.units + excluded.units"
      + " where bench_row_lock_buyers.units + excluded.units <= $4";
  private static final String TAKE_STOCK = "update bench_row_lock_stock set stock = stock - $2"
      + " where deal_id = $1 and stock >= $2 returning stock";
  private static final String RECORDED = "select o.id, o.quantity, o.status, o.amount_fen, s.stock"
      + " from bench_row_lock_orders o join bench_row_lock_stock s on s.deal_id = o.deal_id"
      + " where o.deal_id = $1 and o.viewer_id = $2 and o.idempotency_key = $3";
  private static final String DEAL = "select deal_id, store_id, stream_id, price_fen, per_buyer_limit, max_per_order"
      + " from bench_row_lock_stock where deal_id = $1";

  private final Platform platform;
  private final Auth auth;
  /** A deal's fixed facts, read once, as Linli's DealService caches its deal rows. */
  private final Map<Long, RowLockDeal> deals = new ConcurrentHashMap<>();

  private record RowLockDeal(long id, long storeId, long streamId, long priceFen, int perBuyerLimit,
      int maxPerOrder) {}

  /** Rolls the transaction back; the key was used before, so the recorded order is the answer. */
  private static final class KeyUsed extends RuntimeException {
    KeyUsed() {
      super(null, null, false, false);
    }
  }

  private RowLockBaseline(Platform platform) {
    this.platform = platform;
    this.auth = platform.auth();
  }

  /** Called by the node once its router is built; mounts the route only when the benchmark asked for it. */
  public static Router mountIfEnabled(Router router, Platform platform) {
    if (Boolean.getBoolean(ENABLE_PROPERTY)) {
      RowLockBaseline baseline = new RowLockBaseline(platform);
      router.post(PATH)
          .handler(BodyHandler.create(false).setBodyLimit(platform.config().bodyLimitBytes()))
          .handler(baseline::join);
    }
    return router;
  }

  private void join(RoutingContext ctx) {
    long dealId = Ids.parse(ctx.pathParam("dealId"));
    int quantity;
    String key;
    try {
      quantity = quantity(ctx);
      key = idempotencyKey(ctx);
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    auth.viewer(ctx)
        .compose(caller -> deal(dealId).compose(deal -> join(deal, caller, quantity, key)))
        .onSuccess(json -> ctx.response().setStatusCode(201).putHeader(HttpHeaders.CONTENT_TYPE, Api.JSON)
            .end(json.toBuffer()))
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> join(RowLockDeal deal, Caller caller, int quantity, String key) {
    if (quantity > deal.maxPerOrder()) {
      return Future.failedFuture(Problem.unprocessable("quantity", "must be at most " + deal.maxPerOrder()));
    }
    long orderId = Ids.next();
    long amount = deal.priceFen() * quantity;
    return platform.pool()
        .withTransaction(tx -> takeKey(tx, deal, caller, orderId, quantity, amount, key)
            .compose(x -> takeLimit(tx, deal, caller, quantity))
            .compose(x -> takeStock(tx, deal, quantity)))
        .map(remaining -> answer(deal.id(), orderId, "PLACED", quantity, amount, remaining))
        .recover(e -> e instanceof KeyUsed ? recorded(deal, caller, quantity, key) : Future.failedFuture(e));
  }

  private static Future<Void> takeKey(SqlConnection tx, RowLockDeal deal, Caller caller, long orderId, int quantity,
      long amount, String key) {
    return tx.preparedQuery(INSERT_ORDER)
        .execute(Tuple.from(new Object[] {orderId, deal.id(), deal.storeId(), deal.streamId(), caller.id(), quantity,
            deal.priceFen(), amount, null, key}))
        .compose(rs -> rs.rowCount() == 1 ? Future.succeededFuture() : Future.failedFuture(new KeyUsed()));
  }

  private static Future<Void> takeLimit(SqlConnection tx, RowLockDeal deal, Caller caller, int quantity) {
    return tx.preparedQuery(TAKE_LIMIT)
        .execute(Tuple.of(deal.id(), caller.id(), quantity, deal.perBuyerLimit()))
        .compose(rs -> rs.rowCount() == 1 ? Future.succeededFuture()
            : Future.failedFuture(Problem.conflict("limit-reached", "Per-household limit reached",
                "Each household may take " + deal.perBuyerLimit() + ".")));
  }

  private static Future<Integer> takeStock(SqlConnection tx, RowLockDeal deal, int quantity) {
    return tx.preparedQuery(TAKE_STOCK)
        .execute(Tuple.of(deal.id(), quantity))
        .compose(rs -> rs.size() == 1 ? Future.succeededFuture(rs.iterator().next().getInteger(0))
            : Future.failedFuture(Problem.conflict("sold-out", "Sold out", "This deal is sold out.")));
  }

  /** The same key again: the first answer, nothing moved. */
  private Future<JsonObject> recorded(RowLockDeal deal, Caller caller, int quantity, String key) {
    return platform.pool().preparedQuery(RECORDED).execute(Tuple.of(deal.id(), caller.id(), key))
        .compose(rows -> {
          if (rows.size() == 0) {
            // The first attempt rolled back after we saw its key: the caller may simply try again.
            return Future.failedFuture(Problem.conflict("in-progress", "Join in progress",
                "A join with this Idempotency-Key is still being processed; retry shortly."));
          }
          Row row = rows.iterator().next();
          if (row.getInteger("quantity") != quantity) {
            return Future.failedFuture(Problem.unprocessable("Idempotency-Key",
                "was already used for a join of " + row.getInteger("quantity") + "; use a new key"));
          }
          return Future.succeededFuture(answer(deal.id(), row.getLong("id"), row.getString("status"), quantity,
              row.getLong("amount_fen"), row.getInteger("stock")));
        });
  }

  private Future<RowLockDeal> deal(long dealId) {
    RowLockDeal cached = deals.get(dealId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return platform.pool().preparedQuery(DEAL).execute(Tuple.of(dealId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(Problem.notFound("Deal", Ids.toText(dealId)));
      }
      Row r = rows.iterator().next();
      RowLockDeal deal = new RowLockDeal(r.getLong("deal_id"), r.getLong("store_id"), r.getLong("stream_id"),
          r.getLong("price_fen"), r.getInteger("per_buyer_limit"), r.getInteger("max_per_order"));
      deals.put(dealId, deal);
      return Future.succeededFuture(deal);
    });
  }

  private int quantity(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    Object value = body == null ? null : body.getValue("quantity");
    int max = platform.config().maxJoinQuantity();
    if (!(value instanceof Integer q) || q < 1 || q > max) {
      throw Problem.unprocessable("quantity", "must be between 1 and " + max);
    }
    return q;
  }

  private static String idempotencyKey(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key == null) {
      return UUID.randomUUID().toString();
    }
    if (key.isEmpty() || key.length() > 64) {
      throw Problem.validation("Idempotency-Key", "must be 1 to 64 characters");
    }
    return key;
  }

  private static JsonObject answer(long dealId, long orderId, String status, int quantity, long amount,
      int remaining) {
    return new JsonObject()
        .put("order", new JsonObject().put("id", Ids.toText(orderId)).put("status", status)
            .put("quantity", quantity).put("amountFen", amount))
        .put("deal", new JsonObject().put("id", Ids.toText(dealId)).put("remaining", remaining));
  }
}
