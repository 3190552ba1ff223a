package io.linli.commerce.delivery;

import io.linli.commerce.delivery.ZoneSpec.SlotKind;
import io.linli.commerce.delivery.ZoneSpec.SlotSpec;
import io.linli.commerce.delivery.ZoneSpec.ZoneKind;
import io.linli.commerce.order.OrderDelivery;
import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a store delivers: zones (communities, or a radius around a point) with a fee and time slots, kept by
 * the store's staff; and, for a join that asks for delivery, which zone, slot and day it gets and at what fee.
 */
public final class DeliveryZones {
  /** How far ahead a household may book a daily window. */
  static final int MAX_DAYS_AHEAD = 14;
  private static final String INSERT_SLOT = "insert into delivery_slots(id, zone_id, kind, min_minutes, max_minutes,"
      + " starts_at, ends_at, capacity) values ($1, $2, $3, $4, $5, $6, $7, $8)";

  private final Platform platform;
  private final StoreService stores;

  public DeliveryZones(Platform platform, StoreService stores) {
    this.platform = platform;
    this.stores = stores;
  }

  public Future<JsonObject> create(Caller caller, long storeId, ZoneSpec spec) {
    for (int i = 0; i < spec.slots().size(); i++) {
      if (spec.slots().get(i).id() != null) {
        return Future.failedFuture(Problem.unprocessable("slots[" + i + "].id", "a new zone has no slots yet"));
      }
    }
    long zoneId = Ids.next();
    return stores.requireStaff(caller, storeId)
        .compose(role -> platform.pool().withTransaction(tx -> tx
            .preparedQuery("insert into delivery_zones(id, store_id, name, kind, communities, center_lat, center_lng,"
                + " radius_m, fee_fen, free_from_fen, active) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
            .execute(Tuple.from(new Object[] {zoneId, storeId, spec.name(), spec.kind().name(), communities(spec),
                spec.latitude(), spec.longitude(), spec.radiusMeters(), spec.feeFen(), spec.freeFromFen(),
                spec.active()}))
            .compose(x -> insertSlots(tx, zoneId, spec.slots()))))
        .compose(x -> zones(platform.pool(), storeId, false, zoneId))
        .map(zones -> zones.get(0).toJson());
  }

  /** Staff of the store see every zone; a household sees the active ones (it needs their slots to join). */
  public Future<JsonObject> list(Caller caller, long storeId) {
    Future<Boolean> activeOnly = caller.isViewer() ? Future.succeededFuture(true)
        : stores.requireStaff(caller, storeId).map(role -> false);
    return activeOnly.compose(only -> zones(platform.pool(), storeId, only, null))
        .map(zones -> {
          JsonArray list = new JsonArray();
          zones.forEach(z -> list.add(z.toJson()));
          return new JsonObject().put("zones", list);
        });
  }

  /**
   * Replaces the zone's description. Slots named by id are kept (their bookings with them), new ones are added,
   * and slots left out stop taking orders; orders already placed in them are still delivered.
   */
  public Future<JsonObject> update(Caller caller, long zoneId, ZoneSpec spec) {
    return platform.pool().preparedQuery("select store_id from delivery_zones where id = $1").execute(Tuple.of(zoneId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(Problem.notFound("Delivery zone", Ids.toText(zoneId)))
            : stores.requireStaff(caller, rows.iterator().next().getLong(0)).map(rows.iterator().next().getLong(0)))
        .compose(storeId -> platform.pool().withTransaction(tx -> tx
                .preparedQuery("update delivery_zones set name = $2, kind = $3, communities = $4, center_lat = $5,"
                    + " center_lng = $6, radius_m = $7, fee_fen = $8, free_from_fen = $9, active = $10,"
                    + " updated_at = now() where id = $1")
                .execute(Tuple.from(new Object[] {zoneId, spec.name(), spec.kind().name(), communities(spec),
                    spec.latitude(), spec.longitude(), spec.radiusMeters(), spec.feeFen(), spec.freeFromFen(),
                    spec.active()}))
                .compose(x -> tx.preparedQuery("update delivery_slots set active = false where zone_id = $1"
                        + " and not (id = any($2))")
                    .execute(Tuple.tuple().addLong(zoneId).addArrayOfLong(spec.slots().stream()
                        .map(SlotSpec::id).filter(id -> id != null).toArray(Long[]::new))))
                .compose(x -> keepSlots(tx, zoneId, spec.slots()))
                .compose(x -> insertSlots(tx, zoneId, spec.slots().stream().filter(s -> s.id() == null).toList())))
            .compose(x -> zones(platform.pool(), storeId, false, zoneId)))
        .map(zones -> zones.get(0).toJson());
  }

  private static Future<Void> keepSlots(SqlConnection tx, long zoneId, List<SlotSpec> slots) {
    Future<Void> done = Future.succeededFuture();
    for (int i = 0; i < slots.size(); i++) {
      SlotSpec s = slots.get(i);
      if (s.id() == null) {
        continue;
      }
      String field = "slots[" + i + "].id";
      done = done.compose(x -> tx.preparedQuery("update delivery_slots set kind = $3, min_minutes = $4,"
              + " max_minutes = $5, starts_at = $6, ends_at = $7, capacity = $8, active = true"
              + " where id = $1 and zone_id = $2")
          .execute(Tuple.from(new Object[] {s.id(), zoneId, s.kind().name(), s.minMinutes(), s.maxMinutes(),
              s.start(), s.end(), s.capacity()}))
          .compose(rs -> rs.rowCount() == 1 ? Future.succeededFuture()
              : Future.failedFuture(Problem.unprocessable(field, "is not a slot of this zone"))));
    }
    return done;
  }

  private static Future<Void> insertSlots(SqlConnection tx, long zoneId, List<SlotSpec> slots) {
    if (slots.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(INSERT_SLOT).executeBatch(slots.stream().map(s -> Tuple.from(new Object[] {Ids.next(),
        zoneId, s.kind().name(), s.minMinutes(), s.maxMinutes(), s.start(), s.end(), s.capacity()})).toList())
        .mapEmpty();
  }

  private static String[] communities(ZoneSpec spec) {
    return spec.communities() == null ? null : spec.communities().toArray(String[]::new);
  }

  /**
   * Which zone, slot and day a delivery join gets, and the fee: the address must lie in an active zone (by
   * community or by distance), the slot must belong to such a zone, and a daily window must not have passed.
   * Field errors name the join body's field ({@code delivery.community}, {@code delivery.slotId}, ...).
   */
  public Future<DeliveryPlan> plan(long storeId, DeliveryRequest req) {
    if (req.address() == null || req.address().isBlank()) {
      return Future.failedFuture(Problem.unprocessable("delivery.address", "is required for delivery"));
    }
    if ((req.latitude() == null) != (req.longitude() == null)) {
      return Future.failedFuture(Problem.unprocessable(req.latitude() == null ? "delivery.latitude"
          : "delivery.longitude", "latitude and longitude come together"));
    }
    if (req.latitude() != null && (Math.abs(req.latitude()) > 90 || Math.abs(req.longitude()) > 180)) {
      return Future.failedFuture(Problem.unprocessable(Math.abs(req.latitude()) > 90 ? "delivery.latitude"
          : "delivery.longitude", "is not a place on Earth"));
    }
    boolean byCommunity = req.community() != null && !req.community().isBlank();
    if (!byCommunity && req.latitude() == null) {
      return Future.failedFuture(Problem.unprocessable("delivery.community",
          "give the community (小区) of the address, or its latitude and longitude"));
    }
    Long slotId = null;
    if (req.slotId() != null) {
      slotId = Ids.parse(req.slotId());
      if (slotId < 0) {
        return Future.failedFuture(Problem.unprocessable("delivery.slotId", "is not a delivery slot"));
      }
    }
    LocalDate date;
    try {
      date = req.date() == null ? null : LocalDate.parse(req.date());
    } catch (DateTimeParseException e) {
      return Future.failedFuture(Problem.unprocessable("delivery.date", "must be a day like 2026-11-26"));
    }
    Long wantedSlot = slotId;
    return stores.zoneOf(platform.pool(), storeId)
        .compose(tz -> zones(platform.pool(), storeId, true, null).compose(zones -> {
          List<Zone> covering = zones.stream().filter(z -> z.covers(req.community(), req.latitude(), req.longitude()))
              .sorted(Comparator.comparingLong(Zone::feeFen).thenComparingLong(Zone::id)).toList();
          if (covering.isEmpty()) {
            return Future.failedFuture(Problem.unprocessable(byCommunity ? "delivery.community" : "delivery.latitude",
                "is outside every delivery zone of this store; collect at a pickup point instead"));
          }
          Optional<Zone.Slot> slot = covering.stream().flatMap(z -> z.slots().stream())
              .filter(s -> wantedSlot == null || s.id() == wantedSlot).findFirst();
          if (slot.isEmpty()) {
            return Future.failedFuture(Problem.unprocessable("delivery.slotId",
                "is not a delivery slot for this address"));
          }
          Zone zone = covering.stream().filter(z -> z.id() == slot.get().zoneId()).findFirst().orElseThrow();
          return day(slot.get(), date, tz).map(day -> plan(zone, slot.get(), day, tz, req));
        }));
  }

  private Future<LocalDate> day(Zone.Slot slot, LocalDate date, ZoneId tz) {
    LocalDate today = LocalDate.now(platform.clock().withZone(tz));
    if (slot.kind() == SlotKind.ASAP) {
      return date == null ? Future.succeededFuture(null) : Future.failedFuture(Problem.unprocessable("delivery.date",
          "an ASAP slot (" + slot.label() + " after the order is confirmed) takes no day"));
    }
    LocalTime now = LocalTime.now(platform.clock().withZone(tz));
    boolean todayPassed = !now.isBefore(slot.end());
    if (date == null) {
      return Future.succeededFuture(todayPassed ? today.plusDays(1) : today);
    }
    if (date.isBefore(today) || (date.equals(today) && todayPassed)) {
      return Future.failedFuture(Problem.unprocessable("delivery.date",
          "the " + slot.label() + " window of " + date + " has passed"));
    }
    if (date.isAfter(today.plusDays(MAX_DAYS_AHEAD))) {
      return Future.failedFuture(Problem.unprocessable("delivery.date",
          "may be at most " + MAX_DAYS_AHEAD + " days ahead"));
    }
    return Future.succeededFuture(date);
  }

  private DeliveryPlan plan(Zone zone, Zone.Slot slot, LocalDate slotDay, ZoneId tz, DeliveryRequest req) {
    // An ASAP slot's capacity is per day the order is placed; a window's per the day it is delivered.
    LocalDate booked = slot.capacity() == null ? null
        : slotDay != null ? slotDay : LocalDate.now(platform.clock().withZone(tz));
    return new DeliveryPlan(new OrderDelivery(zone.id(), slot.id(), slotDay, booked, req.address().trim(),
        req.community() == null ? null : req.community().trim(), req.latitude(), req.longitude(),
        req.contactPhone()), zone.feeFen(), zone.freeFromFen());
  }

  /** The store's zones (or one zone) with their active slots. */
  static Future<List<Zone>> zones(SqlClient db, long storeId, boolean activeOnly, Long zoneId) {
    return db.preparedQuery("select * from delivery_zones where store_id = $1 and ($2 = false or active)"
            + " and ($3::bigint is null or id = $3) order by id")
        .execute(Tuple.of(storeId, activeOnly, zoneId))
        .compose(zoneRows -> {
          Map<Long, Row> byId = new LinkedHashMap<>();
          zoneRows.forEach(r -> byId.put(r.getLong("id"), r));
          if (byId.isEmpty()) {
            return Future.succeededFuture(List.<Zone>of());
          }
          return db.preparedQuery("select * from delivery_slots where zone_id = any($1) and active"
                  + " order by kind, starts_at nulls first, min_minutes nulls last, id")
              .execute(Tuple.of(byId.keySet().toArray(Long[]::new)))
              .map(slotRows -> {
                Map<Long, List<Zone.Slot>> slots = new LinkedHashMap<>();
                slotRows.forEach(r -> slots.computeIfAbsent(r.getLong("zone_id"), z -> new ArrayList<>()).add(slot(r)));
                List<Zone> zones = new ArrayList<>();
                byId.values().forEach(r -> zones.add(zone(r, slots.getOrDefault(r.getLong("id"), List.of()))));
                return zones;
              });
        });
  }

  static Zone.Slot slot(Row r) {
    return new Zone.Slot(r.getLong("id"), r.getLong("zone_id"), SlotKind.valueOf(r.getString("kind")),
        r.getInteger("min_minutes"), r.getInteger("max_minutes"), r.getLocalTime("starts_at"),
        r.getLocalTime("ends_at"), r.getInteger("capacity"));
  }

  private static Zone zone(Row r, List<Zone.Slot> slots) {
    String[] communities = r.getArrayOfStrings("communities");
    return new Zone(r.getLong("id"), r.getLong("store_id"), r.getString("name"), ZoneKind.valueOf(r.getString("kind")),
        communities == null ? List.of() : Arrays.asList(communities), r.getDouble("center_lat"),
        r.getDouble("center_lng"), r.getInteger("radius_m"), r.getLong("fee_fen"), r.getLong("free_from_fen"),
        r.getBoolean("active"), slots);
  }
}
