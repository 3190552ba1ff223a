package io.linli.commerce.deal;

import io.linli.commerce.order.OrderStatus;
import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.room.RoomEvents;
import io.linli.core.room.SnapshotSource;
import io.linli.core.stream.StreamService;
import io.linli.core.stream.StreamStatus;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deals: opening them, reading them with live counts, and the status changes that PostgreSQL decides
 * (formed exactly once, closed, failed, opened, paused), each mirrored to Redis and told to the room.
 */
public final class DealService implements SnapshotSource {
  static final String COMMITTED = OrderStatus.sqlList(OrderStatus.COMMITTED);
  static final String HOLDING = OrderStatus.sqlList(OrderStatus.HOLDING);
  private static final int FORM_TRIES = 25;
  private static final long FORM_RETRY_MAX_MS = 1000;
  /** How long a deal that ended stays in the room's snapshot (as a closed poll does). */
  static final int ENDED_SHOWN_MINUTES = 15;
  private static final String RECORDED_COUNT = "(select case when d.count_by = 'BUYERS'"
      + " then count(distinct o.viewer_id) else coalesce(sum(o.quantity), 0) end from orders o"
      + " where o.deal_id = d.id and o.status in " + COMMITTED + ")";

  private final Platform platform;
  private final StreamService streams;
  private final DealCounters counters;
  private final RoomEvents room;
  private final DealMetrics metrics;
  private final DealOutcomes outcomes;
  /** Deal rows never change but for status, which the join script owns on the hot path: safe to keep. */
  private final Map<Long, Deal> cache = new ConcurrentHashMap<>();

  public DealService(Platform platform, StreamService streams, DealCounters counters, RoomEvents room) {
    this(platform, streams, counters, room, DealOutcomes.NONE);
  }

  public DealService(Platform platform, StreamService streams, DealCounters counters, RoomEvents room,
      DealOutcomes outcomes) {
    this.outcomes = outcomes;
    this.platform = platform;
    this.streams = streams;
    this.counters = counters;
    this.room = room;
    this.metrics = new DealMetrics(platform.metrics());
  }

  public record NewDeal(long productId, long groupPriceFen, int threshold, CountBy countBy, int stock,
      int perBuyerLimit, Integer maxPerOrder, OffsetDateTime opensAt, OffsetDateTime endsAt, List<Tier> tiers) {

    public NewDeal(long productId, long groupPriceFen, int threshold, CountBy countBy, int stock,
        int perBuyerLimit, OffsetDateTime endsAt) {
      this(productId, groupPriceFen, threshold, countBy, stock, perBuyerLimit, null, null, endsAt, List.of());
    }
  }

  /** Opens a deal in a stream; its stock is taken from the product's, so two deals cannot sell the same units. */
  public Future<JsonObject> create(Caller caller, long streamId, NewDeal d) {
    OffsetDateTime now = platform.clock().instant().atOffset(ZoneOffset.UTC);
    Problem invalid = DealRules.check(d, now);
    if (invalid != null) {
      return Future.failedFuture(invalid);
    }
    boolean scheduled = d.opensAt() != null && d.opensAt().isAfter(now);
    long id = Ids.next();
    return streams.requireStaff(caller, streamId)
        .compose(stream -> stream.status() == StreamStatus.ENDED
            ? Future.failedFuture(Problem.conflict("stream-ended", "Stream has ended",
                "Deals cannot be opened in an ended stream."))
            : Future.succeededFuture(stream))
        .compose(stream -> platform.pool().withTransaction(tx -> tx
            .preparedQuery("update products set stock = stock - $3 where id = $1 and store_id = $2"
                + " returning stock")
            .execute(Tuple.of(d.productId(), stream.storeId(), d.stock()))
            .recover(e -> Future.failedFuture(e instanceof PgException pg && "23514".equals(pg.getSqlState())
                ? Problem.unprocessable("stock", "exceeds the product's stock") : e))
            .compose(rows -> rows.size() == 0
                ? Future.failedFuture(Problem.unprocessable("productId", "is not a product of this store"))
                : tx.preparedQuery("insert into deals(id, store_id, stream_id, product_id, group_price_fen,"
                        + " threshold, count_by, stock, per_buyer_limit, max_per_order, opens_at, ends_at, status)"
                        + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
                    .execute(Tuple.from(new Object[] {id, stream.storeId(), streamId, d.productId(),
                        d.groupPriceFen(), d.threshold(), d.countBy().name(), d.stock(), d.perBuyerLimit(),
                        d.maxPerOrder(), d.opensAt(), d.endsAt(), scheduled ? "SCHEDULED" : "OPEN"})))
            .compose(x -> d.tiers().isEmpty() ? Future.succeededFuture()
                : tx.preparedQuery("insert into deal_tiers(deal_id, min_count, price_fen) values ($1, $2, $3)")
                    .executeBatch(d.tiers().stream().map(t -> Tuple.of(id, t.minCount(), t.priceFen())).toList())
                    .mapEmpty())))
        .compose(x -> deal(id))
        .compose(deal -> counters.initIfMissing(deal, RecordedCounts.NONE, RecordedCounts.NONE)
            .compose(x -> json(deal))
            .compose(json -> room.publish(streamId, "deal.opened", new JsonObject().put("deal", json)).map(json)));
  }

  /** The deal with its live counts (rebuilt from the record if Redis lost them). */
  public Future<JsonObject> get(long dealId) {
    return fresh(dealId).compose(this::json);
  }

  /**
   * Tells the room the deal's counts as Redis has them now. For changes that no join announced: a reservation
   * taken back (a failed commit, an abandoned join, a lapsed hold, a buyer who left), or counts repaired from the
   * record. Joins decided meanwhile told the room counts the record never had; this newer version replaces them
   * on every phone.
   */
  Future<Void> tellCounts(Deal deal) {
    return counters.read(deal.id()).map(c -> {
      if (c != null) {
        publishProgress(deal, c);
      }
      return null;
    });
  }

  /** The counts as the deal's state in its room (coalesced per deal; phones keep the highest version). */
  void publishProgress(Deal deal, DealCounts c) {
    publishProgress(deal, c, c.status());
  }

  /**
   * With the status given rather than the one the counts carry: after a status change, at the version the change
   * gave the counts, so the count frames of joins decided before it (which still say the old status) are older
   * and no phone goes back to them.
   */
  private void publishProgress(Deal deal, DealCounts c, DealStatus status) {
    room.publishState(deal.streamId(), "deal.progress", Deal.stateKey(deal.id()), c.version(),
        deal.progress(c, status));
  }

  /** The deal's fixed facts, cached; status may be stale, so decisions about status go to Redis or PostgreSQL. */
  public Future<Deal> deal(long dealId) {
    Deal cached = cache.get(dealId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return fresh(dealId).onSuccess(d -> cache.put(dealId, d));
  }

  private Future<Deal> fresh(long dealId) {
    return platform.pool().preparedQuery(Deal.SELECT + " where d.id = $1").execute(Tuple.of(dealId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(Problem.notFound("Deal", Ids.toText(dealId)))
            : Future.succeededFuture(Deal.from(rows.iterator().next())));
  }

  Future<JsonObject> json(Deal deal) {
    return counts(deal).map(deal::toJson);
  }

  public Future<DealCounts> counts(Deal deal) {
    return counters.read(deal.id()).compose(c -> c != null ? Future.succeededFuture(c)
        : rebuild(deal).compose(x -> counters.read(deal.id())));
  }

  /** Redis has no state for this deal (it restarted empty): rebuild it from the record. */
  Future<Boolean> rebuild(Deal deal) {
    return RecordedCounts.read(platform.pool(), deal.id())
        .compose(recorded -> fresh(deal.id())
            .compose(current -> counters.initIfMissing(current, recorded.joined(), recorded.committed())));
  }

  /**
   * Records that the deal formed: a conditional update that only PostgreSQL's own count can satisfy, so it
   * happens once whatever Redis said. Answers whether this call formed it.
   */
  public Future<Boolean> form(long dealId) {
    return platform.pool().withTransaction(tx -> tx
            .preparedQuery("update deals d set status = 'FORMED', formed_at = now() where d.id = $1"
                + " and d.status = 'OPEN' and " + RECORDED_COUNT + " >= d.threshold returning d.id")
            .execute(Tuple.of(dealId))
            .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
                : confirmOrders(tx, dealId).map(true)))
        .compose(formed -> formed ? announceFormed(dealId).map(true) : Future.succeededFuture(false));
  }

  /**
   * Orders counted in Redis before the crossing one may still be on their way to PostgreSQL, so the record's
   * count can lag for a moment: try again shortly. The deadline sweep forms the deal in any case.
   */
  public void formWhenRecorded(long dealId) {
    formWhenRecorded(dealId, FORM_TRIES);
  }

  private void formWhenRecorded(long dealId, int triesLeft) {
    form(dealId).onComplete(ar -> {
      if (!(ar.succeeded() && ar.result()) && triesLeft > 1) {
        // 100 ms, 200 ms, ... then every second: a busy database gets time; the reconciler catches the rest.
        long delay = Math.min(FORM_RETRY_MAX_MS, 100L << Math.min(FORM_TRIES - triesLeft, 4));
        platform.vertx().setTimer(delay, t -> formWhenRecorded(dealId, triesLeft - 1));
      }
    });
  }

  private Future<Void> announceFormed(long dealId) {
    metrics.formed.increment();
    return deal(dealId).compose(deal -> counters.setStatus(dealId, DealStatus.FORMED)
        .compose(c -> c != null ? Future.succeededFuture(c) : counts(deal))
        .compose(c -> {
          publishProgress(deal, c, DealStatus.FORMED);
          return room.publish(deal.streamId(), "deal.formed", deal.progress(c, DealStatus.FORMED)).map(c);
        })
        .compose(c -> c.remaining() == 0 ? close(dealId).mapEmpty() : Future.succeededFuture()));
  }

  /**
   * Formed and sold out, formed at its deadline, or closed by the host: no more joins; every order pays the
   * best tier reached (each change recorded) and goes on to fulfillment.
   */
  public Future<Boolean> close(long dealId) {
    return deal(dealId).compose(deal -> platform.pool().withTransaction(tx -> tx
            .preparedQuery("update deals d set status = 'CLOSED', closed_at = now() where id = $1"
                + " and status = 'FORMED' returning " + RECORDED_COUNT + " as count")
            .execute(Tuple.of(dealId))
            .compose(rows -> rows.size() == 0 ? Future.<DealOutcomes.Refunds>succeededFuture(null)
                : confirmOrders(tx, dealId)
                    .compose(x -> TierPricing.apply(tx, dealId,
                        deal.ladder().priceAt(rows.iterator().next().getLong("count").intValue())))
                    .compose(adjusted -> {
                      metrics.tierAdjusted.increment(adjusted);
                      // What was paid above the lowered price is claimed in the same commit. With no price
                      // lowered nobody paid above it, and claiming would lock every payment of the deal for nothing.
                      return adjusted == 0 ? Future.succeededFuture(DealOutcomes.Refunds.NONE)
                          : outcomes.closed(tx, dealId);
                    })))
        .compose(refunds -> refunds != null
            ? statusChanged(dealId, DealStatus.CLOSED).compose(x -> refunds.send()).map(true)
            : Future.succeededFuture(false)));
  }

  /** Missed its threshold: every order is cancelled, once (the update only runs on OPEN). */
  Future<Boolean> fail(SqlConnection tx, long dealId) {
    return tx.preparedQuery("update deals set status = 'FAILED', closed_at = now() where id = $1"
            + " and status = 'OPEN' returning id")
        .execute(Tuple.of(dealId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : tx.preparedQuery("update orders set status = 'CANCELLED', updated_at = now() where deal_id = $1"
                    + " and status in " + HOLDING)
                .execute(Tuple.of(dealId))
                // Cancelled orders hold nothing: the record's stock is free again (and limits, counted from orders).
                .compose(x -> tx.preparedQuery("update deals set sold_units = 0 where id = $1")
                    .execute(Tuple.of(dealId)))
                .map(x -> {
                  metrics.failed.increment();
                  return true;
                }));
  }

  Future<Void> statusChanged(long dealId, DealStatus status) {
    return deal(dealId).compose(deal -> counters.setStatus(dealId, status)
        .compose(c -> {
          if (c != null) {
            publishProgress(deal, c, status);
          }
          return room.publish(deal.streamId(), "deal.status", new JsonObject()
              .put("dealId", Ids.toText(dealId)).put("status", status.name()));
        }));
  }

  // ---- the host's controls ----

  /** Stops taking joins for now (a question to answer, a price to check); counts and holds stay. */
  public Future<JsonObject> pause(Caller caller, long dealId) {
    return control(caller, dealId, "update deals set status = 'PAUSED' where id = $1"
        + " and status in ('OPEN', 'FORMED') returning status", DealStatus.PAUSED);
  }

  /** Takes joins again, as OPEN or, if it formed before the pause, FORMED; a threshold met meanwhile forms it. */
  public Future<JsonObject> resume(Caller caller, long dealId) {
    return requireStaff(caller, dealId)
        .compose(deal -> platform.pool().preparedQuery("update deals set status = case when formed_at is null"
                + " then 'OPEN' else 'FORMED' end where id = $1 and status = 'PAUSED' returning status")
            .execute(Tuple.of(dealId)))
        .compose(rows -> rows.size() == 0 ? unchangedOr(dealId, "resumed")
            : statusChanged(dealId, DealStatus.valueOf(rows.iterator().next().getString("status")))
                .compose(x -> form(dealId)).mapEmpty())
        .compose(x -> get(dealId));
  }

  /** Ends the deal now: formed deals close (orders go on), unformed ones fail (orders cancelled). */
  public Future<JsonObject> closeNow(Caller caller, long dealId) {
    return requireStaff(caller, dealId)
        .compose(deal -> platform.pool().preparedQuery("update deals set status = case when formed_at is null"
                + " then 'OPEN' else 'FORMED' end where id = $1 and status = 'PAUSED'")
            .execute(Tuple.of(dealId)))
        .compose(x -> end(dealId))
        .compose(ended -> ended ? Future.succeededFuture() : unchangedOr(dealId, "closed"))
        .compose(x -> get(dealId));
  }

  /** Deadline or host: form if the record says so, close if formed, else fail. Answers whether it ended. */
  Future<Boolean> end(long dealId) {
    return form(dealId)
        .compose(formed -> close(dealId))
        .compose(closed -> closed ? Future.succeededFuture(true)
            // The refunds are claimed in the transaction that cancels the orders: one commit for both.
            : platform.pool().withTransaction(tx -> fail(tx, dealId)
                    .compose(failed -> failed ? outcomes.failed(tx, dealId)
                        : Future.<DealOutcomes.Refunds>succeededFuture(null)))
                .compose(refunds -> refunds != null
                    ? statusChanged(dealId, DealStatus.FAILED).compose(x -> refunds.send()).map(true)
                    : Future.succeededFuture(false)));
  }

  /** SCHEDULED deals whose opensAt has come start taking joins. */
  Future<Integer> openDue(OffsetDateTime now) {
    return platform.pool().preparedQuery("update deals set status = 'OPEN' where status = 'SCHEDULED'"
            + " and opens_at <= $1 returning id")
        .execute(Tuple.of(now))
        .compose(rows -> {
          List<Future<Void>> opened = new ArrayList<>();
          rows.forEach(r -> opened.add(statusChanged(r.getLong("id"), DealStatus.OPEN)));
          return Future.all(opened).map(rows.size());
        });
  }

  private Future<JsonObject> control(Caller caller, long dealId, String sql, DealStatus target) {
    return requireStaff(caller, dealId)
        .compose(deal -> platform.pool().preparedQuery(sql).execute(Tuple.of(dealId)))
        .compose(rows -> rows.size() == 0 ? unchangedOr(dealId, target.name().toLowerCase())
            : statusChanged(dealId, target))
        .compose(x -> get(dealId));
  }

  /** The same request twice is fine (200); a change the status does not allow is 409. */
  private Future<Void> unchangedOr(long dealId, String verb) {
    return fresh(dealId).compose(deal -> switch (verb) {
      case "paused" -> deal.status() == DealStatus.PAUSED ? Future.<Void>succeededFuture() : refuse(deal, verb);
      case "resumed" -> deal.status().takesJoins() ? Future.<Void>succeededFuture() : refuse(deal, verb);
      case "closed" -> deal.status().ended() ? Future.<Void>succeededFuture() : refuse(deal, verb);
      default -> refuse(deal, verb);
    });
  }

  private static Future<Void> refuse(Deal deal, String verb) {
    return Future.failedFuture(Problem.conflict("deal-status", "Deal status does not allow this",
        "The deal is " + deal.status() + " and cannot be " + verb + "."));
  }

  private Future<Deal> requireStaff(Caller caller, long dealId) {
    return deal(dealId).compose(deal -> streams.requireStaff(caller, deal.streamId()).map(deal));
  }

  private Future<Void> confirmOrders(SqlClient tx, long dealId) {
    return tx.preparedQuery("update orders set status = 'CONFIRMED', updated_at = now() where deal_id = $1"
            + " and status in ('PLACED', 'PAID')")
        .execute(Tuple.of(dealId)).mapEmpty();
  }

  /**
   * Deals of the stream a viewer can act on or watch (scheduled, open, paused, formed), with counts, and those
   * that ended (closed or failed) in the last {@value #ENDED_SHOWN_MINUTES} minutes: a phone that gets in just
   * after a sell-out sees how the deal ended, as the phones already there do, instead of no deal at all. Each
   * deal's counts come with their version ({@link SnapshotSource#VERSIONS}).
   */
  @Override
  public Future<JsonObject> snapshot(long streamId) {
    return platform.pool()
        .preparedQuery(Deal.SELECT + " where d.stream_id = $1 and (d.status in ('SCHEDULED', 'OPEN', 'PAUSED',"
            + " 'FORMED') or (d.status in ('CLOSED', 'FAILED') and d.closed_at > now() - make_interval(mins => $2)))"
            + " order by d.id")
        .execute(Tuple.of(streamId, ENDED_SHOWN_MINUTES))
        .compose(rows -> {
          List<Deal> shown = new ArrayList<>();
          rows.forEach(r -> shown.add(Deal.from(r)));
          return Future.all(shown.stream().map(this::counts).toList()).map(all -> {
            JsonArray deals = new JsonArray();
            JsonObject versions = new JsonObject();
            for (int i = 0; i < shown.size(); i++) {
              DealCounts c = all.resultAt(i);
              deals.add(shown.get(i).toJson(c));
              versions.put(Deal.stateKey(shown.get(i).id()), c.version());
            }
            return new JsonObject().put("deals", deals).put(SnapshotSource.VERSIONS, versions);
          });
        });
  }
}
