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
 */
public final class PickList {
  private static final String BAGS = "select o.id, o.quantity, o.status, o.pickup_code, o.pickup_point_id,"
      + " v.nickname, right(v.phone, 4) as phone_tail, pp.name as point_name, pp.address, p.name as product"
      + " from orders o join viewers v on v.id = o.viewer_id join deals d on d.id = o.deal_id"
      + " join products p on p.id = d.product_id left join pickup_points pp on pp.id = o.pickup_point_id"
      + " where o.deal_id = $1 and o.status in ('CONFIRMED', 'PACKED', 'AT_PICKUP_POINT', 'COMPLETED')"
      + " order by pp.name, v.nickname, o.id";

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
          for (Row r : rows) {
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
              .put("pickupPoints", new JsonArray(new java.util.ArrayList<>(byPoint.values())));
        });
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
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toString();
    });
  }
}
