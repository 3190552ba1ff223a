package io.linli.commerce.deal;

import io.linli.core.Platform;
import io.linli.core.time.Periodic;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens scheduled deals when their time comes and ends deals whose deadline passed: formed ones close,
 * unformed ones form if the record shows the threshold met, or else fail. Every node runs this; each change is
 * a conditional update, so two nodes sweeping at once do the work once, and a node that was down simply finds
 * the overdue deals on its next tick.
 */
public final class DealDeadlines {
  private static final int BATCH = 50;

  private final Platform platform;
  private final DealService deals;
  private Periodic job;

  public DealDeadlines(Platform platform, DealService deals) {
    this.platform = platform;
    this.deals = deals;
  }

  public void start(long periodMs) {
    job = Periodic.every(platform.vertx(), periodMs, "deadline sweep", this::runOnce);
  }

  public void stop() {
    if (job != null) {
      job.stop();
    }
  }

  /** One sweep; answers how many deals it ended. */
  public Future<Integer> runOnce() {
    OffsetDateTime now = platform.clock().instant().atOffset(ZoneOffset.UTC);
    return deals.openDue(now)
        // A deal paused at its deadline ends as whatever it was before the pause.
        .compose(x -> platform.pool().preparedQuery("update deals set status = case when formed_at is null"
                + " then 'OPEN' else 'FORMED' end where status = 'PAUSED' and ends_at <= $1")
            .execute(Tuple.of(now)))
        .compose(x -> platform.pool()
            .preparedQuery("select id from deals where status in ('OPEN', 'FORMED') and ends_at <= $1"
                + " order by ends_at limit " + BATCH)
            .execute(Tuple.of(now)))
        .compose(rows -> {
          List<Future<Boolean>> ended = new ArrayList<>();
          for (Row r : rows) {
            ended.add(deals.end(r.getLong("id")));
          }
          return Future.join(ended).map(all -> (int) ended.stream().filter(f -> f.succeeded() && f.result())
              .count());
        });
  }
}
