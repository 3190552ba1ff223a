package io.linli.commerce.order;

import io.linli.core.error.Problem;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
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
  static final String INSERT = "insert into orders(id, deal_id, store_id, stream_id, viewer_id, quantity,"
      + " unit_price_fen, amount_fen, status, ref, idempotency_key, hold_expires_at, pickup_point_id,"
      + " delivery_fee_fen) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
  public static final String TAKE_STOCK = "update deals set sold_units = sold_units + $2 where id = $1"
      + " and sold_units + $2 <= stock";
  public static final String TAKE_LIMIT = "insert into deal_buyers(deal_id, viewer_id, units) select $1::bigint, $2::bigint,"
      + " $3::int where $3::int <= $4::int on conflict (deal_id, viewer_id) do update set units = deal_buyers.units + excluded.units"
      + " where deal_buyers.units + excluded.units <= $4::int";
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

  /** Stock first (deals in id order, so concurrent batches lock rows in the same order), then limits, then rows. */
  private static Future<Void> writeAll(SqlConnection tx, List<NewOrder> orders) {
    Map<Long, Integer> unitsByDeal = new TreeMap<>();
    orders.forEach(o -> unitsByDeal.merge(o.dealId(), o.quantity(), Integer::sum));
    Future<Void> stock = Future.succeededFuture();
    for (Map.Entry<Long, Integer> deal : unitsByDeal.entrySet()) {
      stock = stock.compose(x -> tx.preparedQuery(TAKE_STOCK).execute(Tuple.of(deal.getKey(), deal.getValue()))
          .compose(rs -> rs.rowCount() == 1 ? Future.succeededFuture()
              : Future.failedFuture(Problem.conflict("sold-out", "Sold out", "This deal is sold out."))));
    }
    List<Tuple> limits = orders.stream()
        .sorted(Comparator.comparingLong(NewOrder::dealId).thenComparingLong(NewOrder::viewerId))
        .map(o -> Tuple.of(o.dealId(), o.viewerId(), o.quantity(), o.perBuyerLimit()))
        .toList();
    List<Tuple> rows = orders.stream().map(OrderWriter::row).toList();
    return stock
        .compose(x -> tx.preparedQuery(TAKE_LIMIT).executeBatch(limits))
        .compose(rs -> allWritten(rs) ? Future.succeededFuture()
            : Future.failedFuture(Problem.conflict("limit-reached", "Per-household limit reached",
                "This household already holds as many as the deal allows.")))
        .compose(x -> tx.preparedQuery(INSERT).executeBatch(rows))
        .compose(x -> OrderDeliveries.write(tx, orders));
  }

  private static boolean allWritten(RowSet<?> results) {
    for (RowSet<?> r = results; r != null; r = r.next()) {
      if (r.rowCount() != 1) {
        return false;
      }
    }
    return true;
  }

  private static Tuple row(NewOrder o) {
    return Tuple.from(new Object[] {o.id(), o.dealId(), o.storeId(), o.streamId(), o.viewerId(), o.quantity(),
        o.unitPriceFen(), o.amountFen(), o.status().name(), o.ref(), o.idempotencyKey(), o.holdExpiresAt(), o.pickupPointId(),
        o.deliveryFeeFen()});
  }
}
