package io.linli.commerce.deal;

import io.linli.core.Platform;
import io.linli.core.time.Periodic;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Unpaid online joins hold stock only for the store's payment window. When it lapses the order is cancelled
 * and its units go back on sale, in the record first (one statement, rows taken with SKIP LOCKED so every node
 * can sweep at once), then in Redis and the room. A payment that arrives later revives the order if the deal
 * still has room for it, or else is refunded ({@link LatePayments}).
 */
public final class HoldSweeper {
  private static final String LAPSE = "with lapsed as ("
      + " update orders set status = 'CANCELLED', updated_at = now() where id in ("
      + "   select id from orders where status = 'PENDING_PAYMENT' and hold_expires_at <= $1"
      + "   order by hold_expires_at limit 200 for update skip locked)"
      + " returning id, deal_id, viewer_id, quantity),"
      + " stock as (update deals d set sold_units = d.sold_units - l.units"
      + "   from (select deal_id, sum(quantity)::int as units from lapsed group by deal_id) l where d.id = l.deal_id)"
      + " select id, deal_id, viewer_id, quantity from lapsed";

  private final Platform platform;
  private final DealService deals;
  private final DealCounters counters;
  private final Counter lapsed;
  private Periodic job;

  public HoldSweeper(Platform platform, DealService deals, DealCounters counters) {
    this.platform = platform;
    this.deals = deals;
    this.counters = counters;
    this.lapsed = Counter.builder("linli.holds.expired").description("Unpaid joins whose payment window lapsed")
        .register(platform.metrics());
  }

  public void start(long periodMs) {
    job = Periodic.every(platform.vertx(), periodMs, "hold sweep", this::runOnce);
  }

  public void stop() {
    if (job != null) {
      job.stop();
    }
  }

  /** One sweep; answers how many holds lapsed. */
  public Future<Integer> runOnce() {
    // The reason is recorded with each cancellation: a payment arriving later may revive only these orders.
    return platform.pool().withTransaction(tx -> tx
            .preparedQuery("select set_config('linli.reason', $1, true)").execute(Tuple.of(LatePayments.LAPSED))
            .compose(x -> tx.preparedQuery(LAPSE)
                .execute(Tuple.of(platform.clock().instant().atOffset(ZoneOffset.UTC)))))
        .compose(rows -> {
          List<Future<Void>> released = new ArrayList<>();
          for (Row r : rows) {
            released.add(release(r.getLong("deal_id"), r.getLong("viewer_id"), r.getInteger("quantity")));
          }
          lapsed.increment(rows.size());
          return Future.join(released).map(rows.size());
        });
  }

  private Future<Void> release(long dealId, long viewerId, int quantity) {
    return deals.deal(dealId).compose(deal -> counters.leave(dealId, viewerId, quantity, false)
        .compose(x -> deals.tellCounts(deal)));
  }
}
