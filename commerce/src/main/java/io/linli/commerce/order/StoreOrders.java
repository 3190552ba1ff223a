package io.linli.commerce.order;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;

/**
 * The shop's own view of its orders: filtered by deal, status, pickup point and day (in the store's time
 * zone), found by the last digits of a phone or by a pickup code, and a daily summary of orders, GMV and
 * refunds; and its refunds, so staff find the ones the provider could not return. Newest first, paged by the
 * last id seen.
 */
public final class StoreOrders {
  private static final int MAX_PAGE = 200;

  private final Platform platform;
  private final StoreService stores;

  public StoreOrders(Platform platform, StoreService stores) {
    this.platform = platform;
    this.stores = stores;
  }

  /** {@code fulfillment}: PICKUP or DELIVERY; {@code slotId}: delivery orders of one slot. */
  public record Filter(Long dealId, String status, Long pickupPointId, LocalDate day, String phoneTail,
      String pickupCode, Long before, int limit, String fulfillment, Long slotId) {
    public Filter(Long dealId, String status, Long pickupPointId, LocalDate day, String phoneTail,
        String pickupCode, Long before, int limit) {
      this(dealId, status, pickupPointId, day, phoneTail, pickupCode, before, limit, null, null);
    }
  }

  public Future<JsonObject> find(Caller caller, long storeId, Filter f) {
    return stores.requireStaff(caller, storeId)
        .compose(role -> stores.zoneOf(platform.pool(), storeId))
        .compose(zone -> platform.pool().preparedQuery("select o.*, v.nickname, right(v.phone, 4) as phone_tail,"
                + " st.timezone," + OrderService.DELIVERY_COLUMNS
                + " from orders o join viewers v on v.id = o.viewer_id join stores st on st.id = o.store_id"
                + OrderService.DELIVERY_JOIN
                + " where o.store_id = $1"
                + " and ($2::bigint is null or o.deal_id = $2)"
                + " and ($3::text is null or o.status = $3)"
                + " and ($4::bigint is null or o.pickup_point_id = $4)"
                + " and ($5::timestamptz is null or (o.created_at >= $5 and o.created_at < $6))"
                + " and ($7::text is null or right(v.phone, length($7)) = $7)"
                + " and ($8::text is null or o.pickup_code = $8)"
                + " and ($9::bigint is null or o.id < $9)"
                + " and ($11::text is null or ($11 = 'DELIVERY') = (d.order_id is not null))"
                + " and ($12::bigint is null or d.slot_id = $12)"
                + " order by o.id desc limit $10")
            .execute(Tuple.from(new Object[] {storeId, f.dealId(), f.status(), f.pickupPointId(),
                f.day() == null ? null : f.day().atStartOfDay(zone).toOffsetDateTime(),
                f.day() == null ? null : f.day().plusDays(1).atStartOfDay(zone).toOffsetDateTime(),
                f.phoneTail(), f.pickupCode(), f.before(), Math.min(Math.max(f.limit(), 1), MAX_PAGE), f.fulfillment(),
                f.slotId()})))
        .map(rows -> {
          JsonArray list = new JsonArray();
          Long last = null;
          for (Row r : rows) {
            list.add(OrderService.toJson(r).put("nickname", r.getString("nickname"))
                .put("phoneTail", r.getString("phone_tail")));
            last = r.getLong("id");
          }
          JsonObject page = new JsonObject().put("orders", list);
          if (last != null && rows.size() == Math.min(Math.max(f.limit(), 1), MAX_PAGE)) {
            page.put("next", Ids.toText(last));
          }
          return page;
        });
  }

  /** The store's refunds, newest first, by status (FAILED: the ones to look at), with the household's name. */
  public Future<JsonObject> refunds(Caller caller, long storeId, String status, Long before, int limit) {
    int shown = Math.min(Math.max(limit, 1), MAX_PAGE);
    return stores.requireStaff(caller, storeId)
        .compose(role -> stores.zoneOf(platform.pool(), storeId))
        .compose(zone -> platform.pool().preparedQuery("select " + OrderRefunds.COLUMNS + ", o.deal_id,"
                + " v.nickname, right(v.phone, 4) as phone_tail from refunds r join orders o on o.id = r.order_id"
                + " join viewers v on v.id = o.viewer_id where o.store_id = $1"
                + " and ($2::text is null or r.status = $2) and ($3::bigint is null or r.id < $3)"
                + " order by r.id desc limit $4")
            .execute(Tuple.of(storeId, status, before, shown))
            .map(rows -> {
              JsonArray list = new JsonArray();
              Long last = null;
              for (Row r : rows) {
                list.add(OrderRefunds.toJson(r, zone).put("dealId", Ids.toText(r.getLong("deal_id")))
                    .put("nickname", r.getString("nickname")).put("phoneTail", r.getString("phone_tail")));
                last = r.getLong("id");
              }
              JsonObject page = new JsonObject().put("refunds", list);
              if (last != null && rows.size() == shown) {
                page.put("next", Ids.toText(last));
              }
              return page;
            }));
  }

  /**
   * One day in the store's time zone: orders placed, households, GMV of what was not cancelled, refunds returned
   * that day; and, whatever the day, how many failed refunds nobody has tried again yet.
   */
  public Future<JsonObject> summary(Caller caller, long storeId, LocalDate day) {
    return stores.requireStaff(caller, storeId)
        .compose(role -> stores.zoneOf(platform.pool(), storeId))
        .compose(zone -> {
          LocalDate date = day != null ? day : LocalDate.now(platform.clock().withZone(zone));
          Object from = date.atStartOfDay(zone).toOffsetDateTime();
          Object to = date.plusDays(1).atStartOfDay(zone).toOffsetDateTime();
          return platform.pool().preparedQuery("select"
                  + " (select count(*) from orders where store_id = $1 and created_at >= $2 and created_at < $3) as orders,"
                  + " (select count(distinct viewer_id) from orders where store_id = $1 and created_at >= $2"
                  + "   and created_at < $3) as households,"
                  + " (select coalesce(sum(amount_fen), 0) from orders where store_id = $1 and created_at >= $2"
                  + "   and created_at < $3 and status not in ('CANCELLED', 'REFUNDED', 'PENDING_PAYMENT')) as gmv,"
                  + " (select coalesce(sum(r.amount_fen), 0) from refunds r join orders o on o.id = r.order_id"
                  + "   where o.store_id = $1 and r.status = 'SUCCEEDED' and r.settled_at >= $2 and r.settled_at < $3)"
                  + "   as refunds,"
                  + " (select count(*) from refunds r join orders o on o.id = r.order_id where o.store_id = $1"
                  + "   and r.status = 'FAILED' and not exists (select 1 from refunds n where n.retry_of = r.id))"
                  + "   as to_retry")
              .execute(Tuple.of(storeId, from, to))
              .map(rows -> {
                Row r = rows.iterator().next();
                return new JsonObject().put("date", date.toString()).put("timezone", zone.getId())
                    .put("orders", r.getLong("orders")).put("households", r.getLong("households"))
                    .put("gmvFen", r.getLong("gmv")).put("refundsFen", r.getLong("refunds"))
                    .put("failedRefundsToRetry", r.getLong("to_retry"));
              });
        });
  }
}
