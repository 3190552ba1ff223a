package io.linli.commerce.fulfillment;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The courier's sheet for one delivery slot: one stop per household and address (the last four digits of the
 * phone to call, what to hand over, what to collect), ordered by community so a run walks each 小区 once. The
 * household's code is never on it: the household shows it at the door.
 */
public final class DeliveryRunSheet {
  private static final String STOPS = "select o.id, o.viewer_id, o.quantity, o.status, o.amount_fen,"
      + " o.delivery_fee_fen, v.nickname, right(coalesce(d.contact_phone, v.phone), 4) as phone_tail, d.address,"
      + " d.community, d.slot_day, p.name as product"
      + " from order_deliveries d join orders o on o.id = d.order_id join viewers v on v.id = o.viewer_id"
      + " join deals dl on dl.id = o.deal_id join products p on p.id = dl.product_id"
      + " where d.slot_id = $1 and o.store_id = $2"
      + " and o.status in ('CONFIRMED', 'PACKED', 'OUT_FOR_DELIVERY', 'COMPLETED')"
      // A daily window's run is one day's; an ASAP slot's run is whatever is still to deliver.
      + " and (case when $3::date is null then o.status <> 'COMPLETED' else d.slot_day = $3 end)"
      + " order by d.community nulls last, d.address, o.viewer_id, o.id";

  private final Platform platform;
  private final StoreService stores;

  public DeliveryRunSheet(Platform platform, StoreService stores) {
    this.platform = platform;
    this.stores = stores;
  }

  public Future<JsonObject> json(Caller caller, long storeId, long slotId, LocalDate date) {
    return stores.requireStaff(caller, storeId)
        .compose(role -> platform.pool().preparedQuery("select s.kind, s.min_minutes, s.max_minutes, s.starts_at,"
                + " s.ends_at, z.name as zone from delivery_slots s join delivery_zones z on z.id = s.zone_id"
                + " where s.id = $1 and z.store_id = $2").execute(Tuple.of(slotId, storeId)))
        .compose(slots -> {
          if (slots.size() == 0) {
            return Future.failedFuture(Problem.notFound("Delivery slot", Ids.toText(slotId)));
          }
          Row slot = slots.iterator().next();
          boolean window = "WINDOW".equals(slot.getString("kind"));
          Future<LocalDate> day = !window ? Future.succeededFuture(null) : date != null ? Future.succeededFuture(date)
              : stores.zoneOf(platform.pool(), storeId).map(tz -> LocalDate.now(platform.clock().withZone(tz)));
          return day.compose(d -> platform.pool().preparedQuery(STOPS).execute(Tuple.of(slotId, storeId, d))
              .map(rows -> sheet(slotId, slot, window, d, rows)));
        });
  }

  private static JsonObject sheet(long slotId, Row slot, boolean window, LocalDate day, Iterable<Row> rows) {
    Map<String, JsonObject> stops = new LinkedHashMap<>();
    int units = 0;
    for (Row r : rows) {
      JsonObject stop = stops.computeIfAbsent(r.getLong("viewer_id") + "\n" + r.getString("address"), k ->
          new JsonObject().put("address", r.getString("address")).put("community", r.getString("community"))
              .put("nickname", r.getString("nickname")).put("phoneTail", r.getString("phone_tail"))
              .put("amountFen", 0L).put("items", new JsonArray()));
      stop.put("amountFen", stop.getLong("amountFen") + r.getLong("amount_fen"));
      stop.getJsonArray("items").add(new JsonObject().put("orderId", Ids.toText(r.getLong("id")))
          .put("product", r.getString("product")).put("quantity", r.getInteger("quantity"))
          .put("status", r.getString("status")).put("deliveryFeeFen", r.getLong("delivery_fee_fen")));
      units += r.getInteger("quantity");
    }
    String label = window ? slot.getLocalTime("starts_at") + "–" + slot.getLocalTime("ends_at")
        : slot.getInteger("min_minutes") + "–" + slot.getInteger("max_minutes") + " min";
    return new JsonObject().put("slotId", Ids.toText(slotId)).put("zone", slot.getString("zone"))
        .put("kind", slot.getString("kind")).put("label", label).put("date", day == null ? null : day.toString())
        .put("units", units).put("stops", new JsonArray(new ArrayList<>(stops.values())));
  }

  /** One row per order, for the printer or a spreadsheet. */
  public Future<String> csv(Caller caller, long storeId, long slotId, LocalDate date) {
    return json(caller, storeId, slotId, date).map(sheet -> {
      StringWriter out = new StringWriter();
      try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader("slot", "date", "stop",
          "community", "address", "nickname", "phone_tail", "order_id", "product", "quantity", "status",
          "amount_fen").get())) {
        int n = 0;
        for (Object s : sheet.getJsonArray("stops")) {
          JsonObject stop = (JsonObject) s;
          n++;
          for (Object i : stop.getJsonArray("items")) {
            JsonObject item = (JsonObject) i;
            csv.printRecord(sheet.getString("label"), sheet.getString("date"), n, stop.getString("community"),
                stop.getString("address"), stop.getString("nickname"), stop.getString("phoneTail"),
                item.getString("orderId"), item.getString("product"), item.getInteger("quantity"),
                item.getString("status"), stop.getLong("amountFen"));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toString();
    });
  }
}
