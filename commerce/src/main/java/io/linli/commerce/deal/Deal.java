package io.linli.commerce.deal;

import io.linli.core.id.Ids;
import io.linli.core.time.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** A group-buy deal as recorded in PostgreSQL (its live counts are in {@link DealCounts}). */
public record Deal(long id, long storeId, long streamId, long productId, String productName, long priceFen,
    long groupPriceFen, int threshold, CountBy countBy, int stock, int perBuyerLimit, int maxPerOrder,
    OffsetDateTime opensAt, OffsetDateTime endsAt, DealStatus status, List<Tier> tiers, ZoneId zone) {

  static final String SELECT = "select d.*, p.name as product_name, p.price_fen, st.timezone,"
      + " (select json_agg(json_build_object('minCount', t.min_count, 'priceFen', t.price_fen) order by t.min_count)"
      + " from deal_tiers t where t.deal_id = d.id) as tiers"
      + " from deals d join products p on p.id = d.product_id join stores st on st.id = d.store_id";

  static Deal from(Row r) {
    List<Tier> tiers = new ArrayList<>();
    Object raw = r.getValue("tiers");
    if (raw instanceof JsonArray array) {
      array.forEach(t -> tiers.add(new Tier(((JsonObject) t).getInteger("minCount"),
          ((JsonObject) t).getLong("priceFen"))));
    }
    Integer maxPerOrder = r.getInteger("max_per_order");
    return new Deal(r.getLong("id"), r.getLong("store_id"), r.getLong("stream_id"), r.getLong("product_id"),
        r.getString("product_name"), r.getLong("price_fen"), r.getLong("group_price_fen"),
        r.getInteger("threshold"), CountBy.valueOf(r.getString("count_by")), r.getInteger("stock"),
        r.getInteger("per_buyer_limit"), maxPerOrder == null ? r.getInteger("per_buyer_limit") : maxPerOrder,
        r.getOffsetDateTime("opens_at"), r.getOffsetDateTime("ends_at"), DealStatus.valueOf(r.getString("status")),
        List.copyOf(tiers), ZoneId.of(r.getString("timezone")));
  }

  /**
   * The store-local date of {@code endsAt}: the bags of deals closing that day are packed and sent together the
   * next morning, so a pickup point's daily capacity counts them by it.
   */
  public LocalDate closingDay() {
    return endsAt.atZoneSameInstant(zone).toLocalDate();
  }

  PriceLadder ladder() {
    return new PriceLadder(groupPriceFen, tiers);
  }

  /** The room state ({@code deal.progress}) of a deal: its counts and status, ordered by the counts' version. */
  static String stateKey(long dealId) {
    return "deal:" + Ids.toText(dealId);
  }

  /** As below, with the status Redis had at those counts' version (the record's if Redis had none). */
  JsonObject progress(DealCounts counts) {
    return progress(counts, counts.status() != null ? counts.status() : status);
  }

  /** What the room shows with each count change: the counts, the status and the price ladder's position. */
  JsonObject progress(DealCounts counts, DealStatus current) {
    return counts.toJson()
        .put("dealId", Ids.toText(id))
        .put("status", current.name())
        .mergeIn(ladder().view(counts.count(countBy)));
  }

  public JsonObject toJson(DealCounts counts) {
    return new JsonObject()
        .put("id", Ids.toText(id))
        .put("streamId", Ids.toText(streamId))
        .put("productId", Ids.toText(productId))
        .put("productName", productName)
        .put("priceFen", priceFen)
        .put("groupPriceFen", groupPriceFen)
        .put("tiers", ladder().toJson())
        .put("status", status.name())
        .put("threshold", threshold)
        .put("countBy", countBy.name())
        .put("stock", stock)
        .put("perBuyerLimit", perBuyerLimit)
        .put("maxPerOrder", maxPerOrder)
        .put("opensAt", Times.iso(opensAt, zone))
        .put("endsAt", Times.iso(endsAt, zone))
        .mergeIn(counts.toJson())
        .mergeIn(ladder().view(counts.count(countBy)));
  }
}
