package io.linli.commerce.order;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes new orders to PostgreSQL in natural batches: while one batch is being committed, the next one
 * gathers, so under a storm many orders share one round trip and one commit, and a lone order waits for no
 * timer. Each caller's future completes only after its own row is committed (a 2xx means committed).
 */
public final class OrderWriter {
  static final String INSERT = "insert into orders(id, deal_id, store_id, stream_id, viewer_id, quantity,"
      + " unit_price_fen, amount_fen, status, ref, idempotency_key) values ($1, $2, $3, $4, $5, $6, $7, $8,"
      + " 'PLACED', $9, $10)";
  private static final int MAX_BATCH = 256;

  private record Pending(NewOrder order, Promise<Void> promise, Context context) {}

  private final Vertx vertx;
  private final Pool pool;
  private final Object lock = new Object();
  private List<Pending> gathering = new ArrayList<>();
  private boolean writing;

  public OrderWriter(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

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
    List<Tuple> rows = batch.stream().map(p -> tuple(p.order())).toList();
    Future<?> written = rows.size() == 1
        ? pool.preparedQuery(INSERT).execute(rows.get(0))
        : pool.withTransaction(tx -> tx.preparedQuery(INSERT).executeBatch(rows));
    written.onComplete(done -> {
      if (done.succeeded()) {
        batch.forEach(p -> p.context().runOnContext(v -> p.promise().complete()));
      } else if (batch.size() == 1) {
        Pending p = batch.get(0);
        p.context().runOnContext(v -> p.promise().fail(done.cause()));
      } else {
        // One bad row (say, a duplicate key) must not fail its neighbours: write them one by one.
        batch.forEach(p -> pool.preparedQuery(INSERT).execute(tuple(p.order()))
            .onComplete(one -> p.context().runOnContext(v -> {
              if (one.succeeded()) {
                p.promise().complete();
              } else {
                p.promise().fail(one.cause());
              }
            })));
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

  private static Tuple tuple(NewOrder o) {
    return Tuple.from(new Object[] {o.id(), o.dealId(), o.storeId(), o.streamId(), o.viewerId(), o.quantity(),
        o.unitPriceFen(), o.amountFen(), o.ref(), o.idempotencyKey()});
  }
}
