package io.linli.commerce.deal;

import io.linli.core.Platform;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends deals whose deadline passed: formed ones close, unformed ones form if the record shows the threshold
 * met, or else fail. Every node runs this; {@code FOR UPDATE SKIP LOCKED} hands each deal to one node, and a
 * node that was down simply finds the overdue deals on its next tick.
 */
public final class DealDeadlines {
  private static final Logger LOG = LoggerFactory.getLogger(DealDeadlines.class);
  private static final int BATCH = 50;

  private final Platform platform;
  private final DealService deals;
  private long timer = -1;

  public DealDeadlines(Platform platform, DealService deals) {
    this.platform = platform;
    this.deals = deals;
  }

  public void start(long periodMs) {
    timer = platform.vertx().setPeriodic(periodMs, id -> runOnce()
        .onFailure(e -> LOG.warn("deadline sweep failed", e)));
  }

  public void stop() {
    if (timer >= 0) {
      platform.vertx().cancelTimer(timer);
    }
  }

  /** One sweep; answers how many deals it ended. */
  public Future<Integer> runOnce() {
    OffsetDateTime now = platform.clock().instant().atOffset(ZoneOffset.UTC);
    return platform.pool()
        .preparedQuery("select id, status from deals where status in ('OPEN', 'FORMED') and ends_at <= $1"
            + " order by ends_at limit " + BATCH)
        .execute(Tuple.of(now))
        .compose(rows -> {
          List<Future<Boolean>> ended = new ArrayList<>();
          for (Row r : rows) {
            ended.add(end(r.getLong("id"), now));
          }
          return Future.join(ended).map(all -> (int) ended.stream().filter(f -> f.succeeded() && f.result())
              .count());
        });
  }

  private Future<Boolean> end(long dealId, OffsetDateTime now) {
    return deals.form(dealId)
        .compose(formed -> deals.close(dealId))
        .compose(closed -> closed ? Future.succeededFuture(true) : failIfDue(dealId, now));
  }

  private Future<Boolean> failIfDue(long dealId, OffsetDateTime now) {
    return platform.pool().withTransaction(tx -> tx
            .preparedQuery("select id from deals where id = $1 and status = 'OPEN' and ends_at <= $2"
                + " for update skip locked")
            .execute(Tuple.of(dealId, now))
            .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false) : deals.fail(tx, dealId)))
        .compose(failed -> failed ? deals.statusChanged(dealId, DealStatus.FAILED).map(true)
            : Future.succeededFuture(false));
  }
}
