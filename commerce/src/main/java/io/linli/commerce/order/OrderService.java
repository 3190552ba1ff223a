package io.linli.commerce.order;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.linli.core.time.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneId;

/** Reading orders, with the rule that only the buyer or the store's staff may see one. */
public final class OrderService {
  private static final String SELECT = "select o.*, st.timezone from orders o join stores st on st.id = o.store_id"
      + " where o.id = $1";
  private final Platform platform;
  private final StoreService stores;
  private final OrderNotices notices;

  public OrderService(Platform platform, StoreService stores) {
    this.platform = platform;
    this.stores = stores;
    this.notices = new OrderNotices(platform);
  }

  /** The order as its page shows it: the order itself and its history (from, to, why, when, by whom). */
  public Future<JsonObject> page(Caller caller, long orderId) {
    return find(orderId).compose(row -> visible(caller, orderId, row)
        .compose(order -> notices.history(orderId, ZoneId.of(row.getString("timezone")), caller.isStaff())
            .map(history -> order.put("history", history))));
  }

  public Future<JsonObject> get(Caller caller, long orderId) {
    return find(orderId).compose(row -> visible(caller, orderId, row));
  }

  /** The order as this caller may see it: 404 when there is none, 403 when it is not theirs to see. */
  private Future<JsonObject> visible(Caller caller, long orderId, Row row) {
    if (row == null) {
      return Future.failedFuture(Problem.notFound("Order", Ids.toText(orderId)));
    }
    if (caller.isViewer()) {
      // The pickup code is the household's alone: it is what proves the bag is theirs at the counter.
      return caller.id() == row.getLong("viewer_id")
          ? Future.succeededFuture(toJson(row).put("pickupCode", row.getString("pickup_code")))
          : Future.failedFuture(Problem.forbidden("This is another household's order."));
    }
    return stores.requireStaff(caller, row.getLong("store_id")).map(role -> toJson(row));
  }

  /** The order row, or null. */
  public Future<Row> find(long orderId) {
    return platform.pool().preparedQuery(SELECT).execute(Tuple.of(orderId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  public static JsonObject toJson(Row r) {
    ZoneId zone = ZoneId.of(r.getString("timezone"));
    return new JsonObject()
        .put("id", Ids.toText(r.getLong("id")))
        .put("dealId", Ids.toText(r.getLong("deal_id")))
        .put("storeId", Ids.toText(r.getLong("store_id")))
        .put("streamId", Ids.toText(r.getLong("stream_id")))
        .put("viewerId", Ids.toText(r.getLong("viewer_id")))
        .put("status", r.getString("status"))
        .put("quantity", r.getInteger("quantity"))
        .put("unitPriceFen", r.getLong("unit_price_fen"))
        .put("amountFen", r.getLong("amount_fen"))
        .put("ref", r.getString("ref"))
        .put("pickupPointId", r.getLong("pickup_point_id") == null ? null : Ids.toText(r.getLong("pickup_point_id")))
        .put("holdExpiresAt", Times.iso(r.getOffsetDateTime("hold_expires_at"), zone))
        .put("createdAt", Times.iso(r.getOffsetDateTime("created_at"), zone));
  }
}
