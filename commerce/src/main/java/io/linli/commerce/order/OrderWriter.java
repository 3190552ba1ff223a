package io.linli.commerce.order;

import io.linli.core.error.Problem;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes new orders to PostgreSQL in natural batches: while one batch commits, the next gathers, so under a
 * storm many orders share one round trip and one commit, and a lone order waits for no timer. Each caller's
 * future completes only after its own row is committed (a 2xx means committed).
 *
 * <p>Each batch also moves the deal's sold units with a conditional update and each household's units against
 * the deal's limit, so PostgreSQL refuses an oversell even if Redis lost its counts. A batch that is refused
 * (or fails for any reason) is retried order by order, so one bad order cannot fail its neighbours.
 */
public final class OrderWriter {
  public static final String TAKE_STOCK = "update deals set sold_units = sold_units + $2 where id = $1"
      + " and sold_units + $2 <= stock";
  /**
   * The households ({@link Households}: deal, household and units per row) whose orders would take them over the
   * deal's per-household limit, counting every order that still holds stock. No row means all fit.
   *
   * <p>It reads the orders themselves, so it must run once the deal's row is locked by {@link #TAKE_STOCK} (or a
   * {@code FOR UPDATE}): every path that adds to a household's units takes that lock first, so this statement's
   * snapshot has every such order committed before it, and none can commit beside it until this transaction ends.
   * Orders that leave (a lapsed hold, a buyer leaving, a failed deal) only lower the count.
   */
  public static final String OVER_LIMIT = "select h.v from unnest($1::bigint[], $2::bigint[], $3::int[]) as h(d, v, u)"
      + " join deals on deals.id = h.d"
      + " where h.u + coalesce((select sum(o.quantity) from orders o where o.viewer_id = h.v and o.deal_id = h.d"
      + " and o.status in " + OrderStatus.sqlList(OrderStatus.HOLDING) + "), 0) > deals.per_buyer_limit"
      + " limit 1";
  /** A batch's orders, one array per column ({@link #columns}): PostgreSQL parses and plans one statement. */
  static final String INSERT_ALL = "insert into orders(id, deal_id, store_id, stream_id, viewer_id, quantity,"
      + " unit_price_fen, amount_fen, status, ref, idempotency_key, hold_expires_at, pickup_point_id,"
      + " delivery_fee_fen, pickup_booked_day) select * from unnest($1::bigint[], $2::bigint[], $3::bigint[],"
      + " $4::bigint[], $5::bigint[], $6::int[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[],"
      + " $12::timestamptz[], $13::bigint[], $14::bigint[], $15::date[])";
  private static final int MAX_BATCH = 256;

  private record Pending(NewOrder order, Promise<Void> promise, Context context) {
    void complete(Throwable failure) {
      context.runOnContext(v -> {
        if (failure == null) {
          promise.complete();
        } else {
          promise.fail(failure);
        }
      });
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Object lock = new Object();
  private List<Pending> gathering = new ArrayList<>();
  private boolean writing;

  public OrderWriter(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Completes when the order is committed; fails with a 409 Problem if the record refuses it. */
  public Future<Void> write(NewOrder order) {
    Promise<Void> promise = Promise.promise();
    Context context = vertx.getOrCreateContext();
    List<Pending> batch = null;
    synchronized (lock) {
      gathering.add(new Pending(order, promise, context));
      if (!writing) {
        writing = true;
        batch = takeBatch();
      }
    }
    if (batch != null) {
      flush(batch);
    }
    return promise.future();
  }

  private List<Pending> takeBatch() {
    List<Pending> batch;
    if (gathering.size() <= MAX_BATCH) {
      batch = gathering;
      gathering = new ArrayList<>();
    } else {
      batch = new ArrayList<>(gathering.subList(0, MAX_BATCH));
      gathering = new ArrayList<>(gathering.subList(MAX_BATCH, gathering.size()));
    }
    return batch;
  }

  private void flush(List<Pending> batch) {
    List<NewOrder> orders = batch.stream().map(Pending::order).toList();
    pool.withTransaction(tx -> writeAll(tx, orders)).onComplete(done -> {
      if (done.succeeded()) {
        batch.forEach(p -> p.complete(null));
      } else if (batch.size() == 1) {
        batch.get(0).complete(done.cause());
      } else {
        batch.forEach(p -> pool.withTransaction(tx -> writeAll(tx, List.of(p.order())))
            .onComplete(one -> p.complete(one.cause())));
      }
      next();
    });
  }

  private void next() {
    List<Pending> batch;
    synchronized (lock) {
      if (gathering.isEmpty()) {
        writing = false;
        return;
      }
      batch = takeBatch();
    }
    flush(batch);
  }

  /**
   * Stock (deals in id order, so concurrent batches lock rows in the same order), then limits, then places at
   * pickup points with a capacity, then rows, sent together: the connection pipelines them, so a batch costs one
   * round trip between BEGIN and COMMIT instead of one per statement. They are judged in that order once all have
   * answered; a refusal or an error fails the batch and withTransaction rolls it all back, as when each waited for
   * the one before.
   */
  private static Future<Void> writeAll(SqlConnection tx, List<NewOrder> orders) {
    Map<Long, Integer> unitsByDeal = new TreeMap<>();
    orders.forEach(o -> unitsByDeal.merge(o.dealId(), o.quantity(), Integer::sum));
    List<Future<RowSet<Row>>> stock = new ArrayList<>();
    unitsByDeal.forEach((deal, units) -> stock.add(tx.preparedQuery(TAKE_STOCK).execute(Tuple.of(deal, units))));
    Households households = Households.of(orders);
    Future<RowSet<Row>> limits = tx.preparedQuery(OVER_LIMIT).execute(households.tuple());
    Future<Void> pickups = OrderPickups.book(tx, orders);
    Future<RowSet<Row>> rows = tx.preparedQuery(INSERT_ALL).execute(columns(orders));
    Future<Void> deliveries = OrderDeliveries.write(tx, orders);
    List<Future<?>> sent = new ArrayList<>(stock);
    sent.addAll(List.of(limits, pickups, rows, deliveries));
    return Future.join(sent).transform(x -> {
      for (Future<RowSet<Row>> deal : stock) {
        if (deal.failed()) {
          return Future.failedFuture(deal.cause());
        }
        if (deal.result().rowCount() != 1) {
          return Future.failedFuture(Problem.conflict("sold-out", "Sold out", "This deal is sold out."));
        }
      }
      if (limits.failed()) {
        return Future.failedFuture(limits.cause());
      }
      if (limits.result().size() > 0) {
        return Future.failedFuture(Problem.conflict("limit-reached", "Per-household limit reached",
            "This household already holds as many as the deal allows."));
      }
      if (pickups.failed()) {
        return pickups;
      }
      return rows.failed() ? Future.failedFuture(rows.cause()) : deliveries;
    });
  }

  /**
   * Each household's units in the batch, per deal: two orders of one household in one batch must fit the limit
   * together.
   */
  private record Households(Long[] deals, Long[] viewers, Integer[] units) {
    static Households of(List<NewOrder> orders) {
      TreeMap<Long, TreeMap<Long, Integer>> byDeal = new TreeMap<>();
      for (NewOrder o : orders) {
        byDeal.computeIfAbsent(o.dealId(), d -> new TreeMap<>()).merge(o.viewerId(), o.quantity(), Integer::sum);
      }
      List<Long> deals = new ArrayList<>();
      List<Long> viewers = new ArrayList<>();
      List<Integer> units = new ArrayList<>();
      byDeal.forEach((deal, households) -> households.forEach((viewer, held) -> {
        deals.add(deal);
        viewers.add(viewer);
        units.add(held);
      }));
      return new Households(deals.toArray(Long[]::new), viewers.toArray(Long[]::new), units.toArray(Integer[]::new));
    }

    int size() {
      return deals.length;
    }

    Tuple tuple() {
      return Tuple.of(deals, viewers, units);
    }
  }

  /** The batch as one array per column: one statement, however many orders. */
  private static Tuple columns(List<NewOrder> orders) {
    int n = orders.size();
    Long[] ids = new Long[n];
    Long[] deals = new Long[n];
    Long[] stores = new Long[n];
    Long[] streams = new Long[n];
    Long[] viewers = new Long[n];
    Integer[] quantities = new Integer[n];
    Long[] unitPrices = new Long[n];
    Long[] amounts = new Long[n];
    String[] statuses = new String[n];
    String[] refs = new String[n];
    String[] keys = new String[n];
    OffsetDateTime[] holds = new OffsetDateTime[n];
    Long[] points = new Long[n];
    Long[] fees = new Long[n];
    LocalDate[] pickupDays = new LocalDate[n];
    for (int i = 0; i < n; i++) {
      NewOrder o = orders.get(i);
      ids[i] = o.id();
      deals[i] = o.dealId();
      stores[i] = o.storeId();
      streams[i] = o.streamId();
      viewers[i] = o.viewerId();
      quantities[i] = o.quantity();
      unitPrices[i] = o.unitPriceFen();
      amounts[i] = o.amountFen();
      statuses[i] = o.status().name();
      refs[i] = o.ref();
      keys[i] = o.idempotencyKey();
      holds[i] = o.holdExpiresAt();
      points[i] = o.pickupPointId();
      fees[i] = o.deliveryFeeFen();
      pickupDays[i] = o.pickupDay();
    }
    return Tuple.from(new Object[] {ids, deals, stores, streams, viewers, quantities, unitPrices, amounts, statuses,
        refs, keys, holds, points, fees, pickupDays});
  }
}
