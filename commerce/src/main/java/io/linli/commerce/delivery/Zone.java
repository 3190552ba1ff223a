package io.linli.commerce.delivery;

import io.linli.commerce.delivery.ZoneSpec.SlotKind;
import io.linli.commerce.delivery.ZoneSpec.ZoneKind;
import io.linli.core.id.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalTime;
import java.util.List;

/** A stored delivery zone with its active slots, and the one question asked of it: does it cover this address? */
record Zone(long id, long storeId, String name, ZoneKind kind, List<String> communities, Double latitude,
    Double longitude, Integer radiusMeters, long feeFen, Long freeFromFen, boolean active, List<Slot> slots) {

  record Slot(long id, long zoneId, SlotKind kind, Integer minMinutes, Integer maxMinutes, LocalTime start,
      LocalTime end, Integer capacity) {

    /** "30–90 min" or "17:00–19:00": what the household and the run sheet read. */
    String label() {
      return kind == SlotKind.ASAP ? minMinutes + "–" + maxMinutes + " min" : start + "–" + end;
    }

    JsonObject toJson() {
      JsonObject j = new JsonObject().put("id", Ids.toText(id)).put("kind", kind.name()).put("label", label())
          .put("capacity", capacity);
      if (kind == SlotKind.ASAP) {
        j.put("minMinutes", minMinutes).put("maxMinutes", maxMinutes);
      } else {
        j.put("start", start.toString()).put("end", end.toString());
      }
      return j;
    }
  }

  private static final double EARTH_RADIUS_METERS = 6_371_008.8;

  boolean covers(String community, Double lat, Double lng) {
    if (kind == ZoneKind.COMMUNITIES) {
      String wanted = ZoneSpec.normalize(community);
      return !wanted.isEmpty() && communities.stream().anyMatch(c -> ZoneSpec.normalize(c).equals(wanted));
    }
    return lat != null && lng != null && distanceMeters(latitude, longitude, lat, lng) <= radiusMeters;
  }

  /** Great-circle distance (haversine): plenty for a few kilometres around a shop. */
  static double distanceMeters(double lat1, double lng1, double lat2, double lng2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLng = Math.toRadians(lng2 - lng1);
    double a = Math.pow(Math.sin(dLat / 2), 2)
        + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLng / 2), 2);
    return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  JsonObject toJson() {
    JsonArray s = new JsonArray();
    slots.forEach(slot -> s.add(slot.toJson()));
    JsonObject j = new JsonObject().put("id", Ids.toText(id)).put("storeId", Ids.toText(storeId)).put("name", name)
        .put("kind", kind.name()).put("feeFen", feeFen).put("freeFromFen", freeFromFen).put("active", active)
        .put("slots", s);
    if (kind == ZoneKind.COMMUNITIES) {
      j.put("communities", new JsonArray(communities));
    } else {
      j.put("latitude", latitude).put("longitude", longitude).put("radiusMeters", radiusMeters);
    }
    return j;
  }
}
