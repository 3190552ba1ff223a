package io.linli.commerce.fulfillment;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * What to pack for a deal, per pickup point: the units to take there, and one line per household's bag
 * (nickname, the last four digits of the phone, quantity, status, and the code once the bag has arrived).
 * Bags delivered to the door are listed apart, per delivery slot, with their addresses and without codes.
 */
public final class PickList {
  private static final String BAGS = "select o.id, o.quantity, o.status, o.pickup_code, o.pickup_point_id,"
      + " v.nickname, right(v.phone, 4) as phone_tail, pp.name as point_name, pp.address, p.name as product,"
      + " od.slot_id, od.slot_day, od.address as delivery_address, od.community, ds.kind as slot_kind,"
      + " ds.min_minutes, ds.max_minutes, ds.starts_at, ds.ends_at"
      + " from orders o join viewers v on v.id = o.viewer_id join deals d on d.id = o.deal_id"
      + " join products p on p.id = d.product_id left join pickup_points pp on pp.id = o.pickup_point_id"
      + " left join order_deliveries od on od.order_id = o.id left join delivery_slots ds on ds.id = od.slot_id"
      + " where o.deal_id = $1"
      + " and o.status in ('CONFIRMED', 'PACKED', 'DISPATCHED', 'AT_PICKUP_POINT', 'OUT_FOR_DELIVERY', 'COMPLETED')"
      + " order by pp.name, od.slot_day, od.community, v.nickname, o.id";

  private final Platform platform;
  private final FulfillmentService fulfillment;

  public PickList(Platform platform, FulfillmentService fulfillment) {
    this.platform = platform;
    this.fulfillment = fulfillment;
  }

  public Future<JsonObject> json(Caller caller, long dealId) {
    return fulfillment.staffOfDeal(caller, dealId)
        .compose(store -> platform.pool().preparedQuery(BAGS).execute(Tuple.of(dealId)))
        .map(rows -> {
          Map<Long, JsonObject> byPoint = new LinkedHashMap<>();
          Map<String, JsonObject> bySlot = new LinkedHashMap<>();
          for (Row r : rows) {
            if (r.getLong("slot_id") != null) {
              delivery(bySlot, r);
              continue;
            }
            JsonObject point = byPoint.computeIfAbsent(r.getLong("pickup_point_id"), id -> new JsonObject()
                .put("pickupPointId", id == null ? null : Ids.toText(id)).put("name", r.getString("point_name"))
                .put("address", r.getString("address")).put("product", r.getString("product"))
                .put("units", 0).put("bags", new JsonArray()));
            point.put("units", point.getInteger("units") + r.getInteger("quantity"));
            point.getJsonArray("bags").add(new JsonObject()
                .put("orderId", Ids.toText(r.getLong("id")))
                .put("nickname", r.getString("nickname"))
                .put("phoneTail", r.getString("phone_tail"))
                .put("quantity", r.getInteger("quantity"))
                .put("status", r.getString("status"))
                .put("pickupCode", r.getString("pickup_code")));
          }
          return new JsonObject().put("dealId", Ids.toText(dealId))
              .put("pickupPoints", new JsonArray(new java.util.ArrayList<>(byPoint.values())))
              .put("deliveries", new JsonArray(new java.util.ArrayList<>(bySlot.values())));
        });
  }

  /** A delivered bag, under its slot (and day, for a daily window). */
  private static void delivery(Map<String, JsonObject> bySlot, Row r) {
    boolean window = "WINDOW".equals(r.getString("slot_kind"));
    String label = window ? r.getLocalTime("starts_at") + "–" + r.getLocalTime("ends_at")
        : r.getInteger("min_minutes") + "–" + r.getInteger("max_minutes") + " min";
    String day = r.getLocalDate("slot_day") == null ? null : r.getLocalDate("slot_day").toString();
    JsonObject slot = bySlot.computeIfAbsent(r.getLong("slot_id") + "/" + day, k -> new JsonObject()
        .put("slotId", Ids.toText(r.getLong("slot_id"))).put("label", label).put("date", day)
        .put("product", r.getString("product")).put("units", 0).put("bags", new JsonArray()));
    slot.put("units", slot.getInteger("units") + r.getInteger("quantity"));
    slot.getJsonArray("bags").add(new JsonObject()
        .put("orderId", Ids.toText(r.getLong("id")))
        .put("nickname", r.getString("nickname"))
        .put("phoneTail", r.getString("phone_tail"))
        .put("quantity", r.getInteger("quantity"))
        .put("status", r.getString("status"))
        .put("address", r.getString("delivery_address"))
        .put("community", r.getString("community")));
  }

  /** The same list as CSV, one row per bag, for the printer or a spreadsheet. */
  public Future<String> csv(Caller caller, long dealId) {
    return json(caller, dealId).map(list -> {
      StringWriter out = new StringWriter();
      try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader("pickup_point", "address",
          "product", "order_id", "nickname", "phone_tail", "quantity", "status", "pickup_code").get())) {
        for (Object p : list.getJsonArray("pickupPoints")) {
          JsonObject point = (JsonObject) p;
          for (Object b : point.getJsonArray("bags")) {
            JsonObject bag = (JsonObject) b;
            csv.printRecord(point.getString("name"), point.getString("address"), point.getString("product"),
                bag.getString("orderId"), bag.getString("nickname"), bag.getString("phoneTail"),
                bag.getInteger("quantity"), bag.getString("status"), bag.getString("pickupCode"));
          }
        }
        for (Object s : list.getJsonArray("deliveries")) {
          JsonObject slot = (JsonObject) s;
          String where = "送货上门 delivery " + slot.getString("label")
              + (slot.getString("date") == null ? "" : " " + slot.getString("date"));
          for (Object b : slot.getJsonArray("bags")) {
            JsonObject bag = (JsonObject) b;
            csv.printRecord(where, bag.getString("address"), slot.getString("product"), bag.getString("orderId"),
                bag.getString("nickname"), bag.getString("phoneTail"), bag.getInteger("quantity"),
                bag.getString("status"), null);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toString();
    });
  }
}
