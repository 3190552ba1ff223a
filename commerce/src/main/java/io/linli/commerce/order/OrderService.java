package io.linli.commerce.order;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.linli.core.time.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/** Reading orders: only the buyer, the store's staff, or the leader of the order's pickup point may see one. */
public final class OrderService {
  /** Where a delivered order goes, for {@link #toJson}: select these with {@link #DELIVERY_JOIN}. */
  public static final String DELIVERY_COLUMNS = " d.address as d_address, d.community as d_community,"
      + " d.latitude as d_latitude, d.longitude as d_longitude, d.contact_phone as d_contact_phone,"
      + " d.zone_id as d_zone_id, d.slot_id as d_slot_id, d.slot_day as d_slot_day, ds.kind as d_slot_kind,"
      + " ds.min_minutes as d_min_minutes, ds.max_minutes as d_max_minutes, ds.starts_at as d_starts_at,"
      + " ds.ends_at as d_ends_at";
  public static final String DELIVERY_JOIN = " left join order_deliveries d on d.order_id = o.id"
      + " left join delivery_slots ds on ds.id = d.slot_id";
  private static final String SELECT = "select o.*, st.timezone," + DELIVERY_COLUMNS
      + " from orders o join stores st on st.id = o.store_id" + DELIVERY_JOIN + " where o.id = $1";
  private static final String PLACED_SELECT = "select id, status, quantity, amount_fen, hold_expires_at,"
      + " pickup_point_id, delivery_fee_fen from orders where id = $1";
  /** The same, with what the order page names: the store, the product and the pickup point. */
  private static final String PAGE_SELECT = "select o.*, st.timezone, st.name as store_name," + DELIVERY_COLUMNS + ","
      + " p.name as product_name, p.unit as product_unit, pp.name as point_name, pp.address as point_address,"
      + " pp.opening_hours as point_hours"
      + " from orders o join stores st on st.id = o.store_id join deals dl on dl.id = o.deal_id"
      + " join products p on p.id = dl.product_id left join pickup_points pp on pp.id = o.pickup_point_id"
      + DELIVERY_JOIN + " where o.id = $1";
  private final Platform platform;
  private final StoreService stores;
  private final OrderNotices notices;
  private final OrderRefunds refunds;

  public OrderService(Platform platform, StoreService stores) {
    this.platform = platform;
    this.stores = stores;
    this.notices = new OrderNotices(platform);
    this.refunds = new OrderRefunds(platform);
  }

  /**
   * The order as its page shows it: the order itself, its history (from, to, why, when, by whom) and its refunds
   * (so staff see one the provider could not return, and act).
   */
  public Future<JsonObject> page(Caller caller, long orderId) {
    return find(PAGE_SELECT, orderId).compose(row -> visible(caller, orderId, row).compose(order -> {
      ZoneId zone = ZoneId.of(row.getString("timezone"));
      Future<JsonArray> history = notices.history(orderId, zone, caller.isStaff());
      Future<JsonArray> refunded = refunds.of(orderId, zone);
      return Future.all(history, refunded)
          .map(x -> named(order, row).put("history", history.result()).put("refunds", refunded.result()));
    }));
  }

  /** What a person reading the order needs besides ids: whose store (and its time zone), what, and where. */
  private static JsonObject named(JsonObject order, Row row) {
    JsonObject point = row.getString("point_name") == null ? null : new JsonObject()
        .put("name", row.getString("point_name")).put("address", row.getString("point_address"))
        .put("openingHours", row.getString("point_hours"));
    return order
        .put("store", new JsonObject().put("name", row.getString("store_name"))
            .put("timezone", row.getString("timezone")))
        .put("product", new JsonObject().put("name", row.getString("product_name"))
            .put("unit", row.getString("product_unit")))
        .put("pickupPoint", point);
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
    if (caller.isLeader()) {
      // The leader of the order's pickup point sees the bag it will hand over, never its code.
      Long point = row.getLong("pickup_point_id");
      return platform.pool().preparedQuery("select 1 from pickup_points where id = $1 and leader_id = $2")
          .execute(Tuple.of(point, caller.id()))
          .compose(rows -> rows.size() == 1 ? Future.succeededFuture(toJson(row))
              : Future.failedFuture(Problem.forbidden("This order is not collected at a point you host.")));
    }
    return stores.requireStaff(caller, row.getLong("store_id")).map(role -> toJson(row));
  }

  /** An order as a join answers it ({@link #placed}). */
  public record Placed(long id, String status, int quantity, long amountFen, OffsetDateTime holdExpiresAt,
      boolean delivered, long deliveryFeeFen) {}

  /**
   * The order as its join answered it, for a retried key: its own row by id, no store, point or delivery
   * joined (a join names its point, so an order without one is delivered). Null when there is none (yet).
   */
  public Future<Placed> placed(long orderId) {
    return find(PLACED_SELECT, orderId).map(r -> r == null ? null : new Placed(r.getLong(0), r.getString(1),
        r.getInteger(2), r.getLong(3), r.getOffsetDateTime(4), r.getLong(5) == null, r.getLong(6)));
  }

  /** The order row, or null. */
  public Future<Row> find(long orderId) {
    return find(SELECT, orderId);
  }

  private Future<Row> find(String sql, long orderId) {
    return platform.pool().preparedQuery(sql).execute(Tuple.of(orderId))
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
        .put("leaderId", r.getLong("leader_id") == null ? null : Ids.toText(r.getLong("leader_id")))
        .put("pickupPointId", r.getLong("pickup_point_id") == null ? null : Ids.toText(r.getLong("pickup_point_id")))
        .put("fulfillment", r.getLong("pickup_point_id") == null && r.getColumnIndex("d_address") >= 0
            && r.getString("d_address") != null ? "DELIVERY" : "PICKUP")
        .put("deliveryFeeFen", r.getLong("delivery_fee_fen"))
        .put("delivery", delivery(r))
        .put("holdExpiresAt", Times.iso(r.getOffsetDateTime("hold_expires_at"), zone))
        .put("createdAt", Times.iso(r.getOffsetDateTime("created_at"), zone));
  }

  /** The address, contact and slot of a delivered order; null for a pickup order. */
  private static JsonObject delivery(Row r) {
    if (r.getColumnIndex("d_address") < 0 || r.getString("d_address") == null) {
      return null;
    }
    boolean asap = "ASAP".equals(r.getString("d_slot_kind"));
    JsonObject slot = new JsonObject().put("id", Ids.toText(r.getLong("d_slot_id")))
        .put("kind", r.getString("d_slot_kind"));
    if (asap) {
      slot.put("minMinutes", r.getInteger("d_min_minutes")).put("maxMinutes", r.getInteger("d_max_minutes"))
          .put("label", r.getInteger("d_min_minutes") + "–" + r.getInteger("d_max_minutes") + " min");
    } else {
      slot.put("start", r.getLocalTime("d_starts_at").toString()).put("end", r.getLocalTime("d_ends_at").toString())
          .put("date", r.getLocalDate("d_slot_day") == null ? null : r.getLocalDate("d_slot_day").toString())
          .put("label", r.getLocalTime("d_starts_at") + "–" + r.getLocalTime("d_ends_at"));
    }
    return new JsonObject().put("address", r.getString("d_address")).put("community", r.getString("d_community"))
        .put("latitude", r.getDouble("d_latitude")).put("longitude", r.getDouble("d_longitude"))
        .put("contactPhone", r.getString("d_contact_phone")).put("zoneId", Ids.toText(r.getLong("d_zone_id")))
        .put("slot", slot);
  }
}
