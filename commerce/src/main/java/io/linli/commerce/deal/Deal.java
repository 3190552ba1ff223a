package io.linli.commerce.deal;

import io.linli.core.id.Ids;
import io.linli.core.time.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/** A group-buy deal as recorded in PostgreSQL (counts live in {@link DealCounts}). */
public record Deal(long id, long storeId, long streamId, long productId, String productName, long priceFen,
    long groupPriceFen, int threshold, CountBy countBy, int stock, int perBuyerLimit, OffsetDateTime endsAt,
    DealStatus status, ZoneId zone) {

  static final String SELECT = "select d.*, p.name as product_name, p.price_fen, st.timezone from deals d"
      + " join products p on p.id = d.product_id join stores st on st.id = d.store_id";

  static Deal from(Row r) {
    return new Deal(r.getLong("id"), r.getLong("store_id"), r.getLong("stream_id"), r.getLong("product_id"),
        r.getString("product_name"), r.getLong("price_fen"), r.getLong("group_price_fen"),
        r.getInteger("threshold"), CountBy.valueOf(r.getString("count_by")), r.getInteger("stock"),
        r.getInteger("per_buyer_limit"), r.getOffsetDateTime("ends_at"), DealStatus.valueOf(r.getString("status")),
        ZoneId.of(r.getString("timezone")));
  }

  public JsonObject toJson(DealCounts counts) {
    return new JsonObject()
        .put("id", Ids.toText(id))
        .put("streamId", Ids.toText(streamId))
        .put("productId", Ids.toText(productId))
        .put("productName", productName)
        .put("priceFen", priceFen)
        .put("groupPriceFen", groupPriceFen)
        .put("status", status.name())
        .put("threshold", threshold)
        .put("countBy", countBy.name())
        .put("stock", stock)
        .put("perBuyerLimit", perBuyerLimit)
        .put("endsAt", Times.iso(endsAt, zone))
        .mergeIn(counts.toJson());
  }
}
