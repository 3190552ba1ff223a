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
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deals: opening them, reading them with live counts, and the status changes that PostgreSQL decides
 * (formed exactly once, closed, failed), each mirrored to Redis and told to the room.
 */
public final class DealService implements SnapshotSource {
  private static final String COMMITTED = "('" + String.join("', '", OrderStatus.COMMITTED) + "')";
  private static final String RECORDED_COUNT = "(select case when d.count_by = 'BUYERS'"
      + " then count(distinct o.viewer_id) else coalesce(sum(o.quantity), 0) end from orders o"
      + " where o.deal_id = d.id and o.status in " + COMMITTED + ")";

  private final Platform platform;
  private final StreamService streams;
  private final DealCounters counters;
  private final RoomEvents room;
  /** Deal rows never change but for status, which the join script owns on the hot path: safe to keep. */
  private final Map<Long, Deal> cache = new ConcurrentHashMap<>();

  public DealService(Platform platform, StreamService streams, DealCounters counters, RoomEvents room) {
    this.platform = platform;
    this.streams = streams;
    this.counters = counters;
    this.room = room;
  }

  public record NewDeal(long productId, long groupPriceFen, int threshold, CountBy countBy, int stock,
      int perBuyerLimit, OffsetDateTime endsAt) {}

  /** Opens a deal in a stream; its stock is taken from the product's, so two deals cannot sell the same units. */
  public Future<JsonObject> create(Caller caller, long streamId, NewDeal d) {
    if (!d.endsAt().isAfter(platform.clock().instant().atOffset(d.endsAt().getOffset()))) {
      return Future.failedFuture(Problem.unprocessable("endsAt", "must be in the future"));
    }
    if (d.perBuyerLimit() > d.stock()) {
      return Future.failedFuture(Problem.unprocessable("perBuyerLimit", "cannot exceed the deal's stock"));
    }
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
                        + " threshold, count_by, stock, per_buyer_limit, ends_at, status)"
                        + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'OPEN')")
                    .execute(Tuple.from(new Object[] {id, stream.storeId(), streamId, d.productId(),
                        d.groupPriceFen(), d.threshold(), d.countBy().name(), d.stock(), d.perBuyerLimit(),
                        d.endsAt()})))))
        .compose(x -> deal(id))
        .compose(deal -> counters.initIfMissing(deal, new RecordedCounts(0, 0, Map.of()))
            .compose(x -> json(deal))
            .compose(json -> room.publish(streamId, "deal.opened", new JsonObject().put("deal", json)).map(json)));
  }

  /** The deal with its live counts (rebuilt from the record if Redis lost them). */
  public Future<JsonObject> get(long dealId) {
    return fresh(dealId).compose(this::json);
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
    return platform.pool()
        .preparedQuery("select viewer_id, units from deal_buyers where deal_id = $1 and units > 0")
        .execute(Tuple.of(deal.id()))
        .compose(rows -> {
          Map<Long, Integer> byBuyer = new HashMap<>();
          rows.forEach(r -> byBuyer.put(r.getLong("viewer_id"), r.getInteger("units")));
          int units = byBuyer.values().stream().mapToInt(Integer::intValue).sum();
          return fresh(deal.id()).compose(current ->
              counters.initIfMissing(current, new RecordedCounts(byBuyer.size(), units, byBuyer)));
        });
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

  private Future<Void> announceFormed(long dealId) {
    return deal(dealId).compose(deal -> counters.setStatus(dealId, DealStatus.FORMED)
        .compose(x -> counts(deal))
        .compose(c -> room.publish(deal.streamId(), "deal.formed", c.toJson()
            .put("dealId", Ids.toText(dealId)).put("status", DealStatus.FORMED.name())))
        .compose(x -> counts(deal))
        .compose(c -> c.remaining() == 0 ? close(dealId).mapEmpty() : Future.succeededFuture()));
  }

  /** Formed and sold out, or formed at its deadline: no more joins; its orders go on to fulfillment. */
  public Future<Boolean> close(long dealId) {
    return platform.pool().withTransaction(tx -> tx
            .preparedQuery("update deals set status = 'CLOSED', closed_at = now() where id = $1"
                + " and status = 'FORMED' returning id")
            .execute(Tuple.of(dealId))
            .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
                : confirmOrders(tx, dealId).map(true)))
        .compose(closed -> closed ? statusChanged(dealId, DealStatus.CLOSED).map(true)
            : Future.succeededFuture(false));
  }

  /** Missed its threshold by the deadline: every order is cancelled, once (the update only runs on OPEN). */
  Future<Boolean> fail(SqlClient tx, long dealId) {
    return tx.preparedQuery("update deals set status = 'FAILED', closed_at = now() where id = $1"
            + " and status = 'OPEN' returning id")
        .execute(Tuple.of(dealId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : tx.preparedQuery("update orders set status = 'CANCELLED', updated_at = now() where deal_id = $1"
                    + " and status in " + COMMITTED)
                .execute(Tuple.of(dealId))
                // Cancelled orders hold nothing: the record's stock and limits are free again.
                .compose(x -> tx.preparedQuery("update deals set sold_units = 0 where id = $1")
                    .execute(Tuple.of(dealId)))
                .compose(x -> tx.preparedQuery("update deal_buyers set units = 0 where deal_id = $1")
                    .execute(Tuple.of(dealId)))
                .map(true));
  }

  Future<Void> statusChanged(long dealId, DealStatus status) {
    return deal(dealId).compose(deal -> counters.setStatus(dealId, status)
        .compose(x -> room.publish(deal.streamId(), "deal.status", new JsonObject()
            .put("dealId", Ids.toText(dealId)).put("status", status.name()))));
  }

  private Future<Void> confirmOrders(SqlClient tx, long dealId) {
    return tx.preparedQuery("update orders set status = 'CONFIRMED', updated_at = now() where deal_id = $1"
            + " and status = 'PLACED'")
        .execute(Tuple.of(dealId)).mapEmpty();
  }

  /** Open and formed deals of the stream, with counts, for the room snapshot. */
  @Override
  public Future<JsonObject> snapshot(long streamId) {
    return platform.pool()
        .preparedQuery(Deal.SELECT + " where d.stream_id = $1 and d.status in ('OPEN', 'FORMED') order by d.id")
        .execute(Tuple.of(streamId))
        .compose(rows -> {
          List<Future<JsonObject>> deals = new java.util.ArrayList<>();
          rows.forEach(r -> deals.add(json(Deal.from(r))));
          return Future.all(deals).map(all -> new JsonObject().put("deals", new JsonArray(all.list())));
        });
  }
}
