package io.linli.commerce.delivery;

import io.linli.core.error.Problem;
import io.linli.core.error.Problem.FieldError;
import io.linli.core.id.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A delivery zone as staff describe it, checked whole: every field at fault is named at once (422), so the
 * store's admin page can mark them all.
 */
public record ZoneSpec(String name, ZoneKind kind, List<String> communities, Double latitude, Double longitude,
    Integer radiusMeters, long feeFen, Long freeFromFen, List<SlotSpec> slots, boolean active) {

  public enum ZoneKind { COMMUNITIES, RADIUS }

  public enum SlotKind { ASAP, WINDOW }

  /** {@code id} is null for a new slot; an update names the slots it keeps. */
  public record SlotSpec(Long id, SlotKind kind, Integer minMinutes, Integer maxMinutes, LocalTime start,
      LocalTime end, Integer capacity) {}

  static final int MAX_SLOTS = 24;
  static final int MAX_COMMUNITIES = 200;
  static final int MAX_RADIUS_METERS = 50_000;
  static final int MAX_ASAP_MINUTES = 24 * 60;

  public static ZoneSpec parse(JsonObject b) {
    List<FieldError> errors = new ArrayList<>();
    String name = b.getString("name");
    if (name == null || name.isBlank()) {
      errors.add(new FieldError("name", "is required"));
    }
    ZoneKind kind = null;
    try {
      kind = ZoneKind.valueOf(String.valueOf(b.getString("kind")));
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("kind", "must be COMMUNITIES or RADIUS"));
    }
    List<String> communities = null;
    Double lat = b.getDouble("latitude");
    Double lng = b.getDouble("longitude");
    Integer radius = b.getInteger("radiusMeters");
    if (kind == ZoneKind.COMMUNITIES) {
      // Kept as typed (for the admin page), one per normalised name.
      java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
      JsonArray given = b.getJsonArray("communities");
      if (given != null) {
        given.forEach(c -> {
          String n = normalize(String.valueOf(c));
          if (!n.isEmpty()) {
            names.putIfAbsent(n, String.valueOf(c).trim().replaceAll("\\s+", " "));
          }
        });
      }
      if (names.isEmpty()) {
        errors.add(new FieldError("communities", "name at least one community (小区) this zone delivers to"));
      } else if (names.size() > MAX_COMMUNITIES) {
        errors.add(new FieldError("communities", "at most " + MAX_COMMUNITIES));
      }
      communities = List.copyOf(names.values());
      lat = null;
      lng = null;
      radius = null;
    } else if (kind == ZoneKind.RADIUS) {
      if (lat == null || lat < -90 || lat > 90 || lat.isNaN()) {
        errors.add(new FieldError("latitude", "must be between -90 and 90"));
      }
      if (lng == null || lng < -180 || lng > 180 || lng.isNaN()) {
        errors.add(new FieldError("longitude", "must be between -180 and 180"));
      }
      if (radius == null || radius <= 0 || radius > MAX_RADIUS_METERS) {
        errors.add(new FieldError("radiusMeters", "must be more than 0 and at most " + MAX_RADIUS_METERS));
      }
    }
    Long fee = b.getLong("feeFen");
    if (fee == null || fee < 0) {
      errors.add(new FieldError("feeFen", "must be 0 or more fen"));
    }
    Long freeFrom = b.getLong("freeFromFen");
    if (freeFrom != null && freeFrom < 0) {
      errors.add(new FieldError("freeFromFen", "must be 0 or more fen"));
    }
    List<SlotSpec> slots = slots(b.getJsonArray("slots"), errors);
    if (!errors.isEmpty()) {
      throw new Problem(422, "unprocessable", "Cannot do that",
          errors.get(0).field() + ": " + errors.get(0).message(), errors);
    }
    return new ZoneSpec(name.trim(), kind, communities, lat, lng, radius, fee, freeFrom, slots,
        b.getBoolean("active", true));
  }

  private static List<SlotSpec> slots(JsonArray given, List<FieldError> errors) {
    List<SlotSpec> slots = new ArrayList<>();
    if (given == null || given.isEmpty()) {
      errors.add(new FieldError("slots", "give at least one delivery slot"));
      return slots;
    }
    if (given.size() > MAX_SLOTS) {
      errors.add(new FieldError("slots", "at most " + MAX_SLOTS));
      return slots;
    }
    Set<Long> ids = new LinkedHashSet<>();
    for (int i = 0; i < given.size(); i++) {
      String at = "slots[" + i + "].";
      JsonObject s = given.getJsonObject(i);
      Long id = null;
      if (s.getString("id") != null) {
        id = Ids.parse(s.getString("id"));
        if (id < 0 || !ids.add(id)) {
          errors.add(new FieldError(at + "id", "is not a slot of this zone"));
        }
      }
      Integer capacity = s.getInteger("capacity");
      if (capacity != null && capacity < 1) {
        errors.add(new FieldError(at + "capacity", "must be at least 1 order (leave it out for no limit)"));
      }
      if ("ASAP".equals(s.getString("kind"))) {
        Integer min = s.getInteger("minMinutes");
        Integer max = s.getInteger("maxMinutes");
        if (min == null || min < 0 || min > MAX_ASAP_MINUTES) {
          errors.add(new FieldError(at + "minMinutes", "must be between 0 and " + MAX_ASAP_MINUTES));
        } else if (max == null || max <= min || max > MAX_ASAP_MINUTES) {
          errors.add(new FieldError(at + "maxMinutes", "must be after minMinutes and at most " + MAX_ASAP_MINUTES));
        }
        slots.add(new SlotSpec(id, SlotKind.ASAP, min, max, null, null, capacity));
      } else if ("WINDOW".equals(s.getString("kind"))) {
        LocalTime start = time(s.getString("start"), at + "start", errors);
        LocalTime end = time(s.getString("end"), at + "end", errors);
        if (start != null && end != null && !end.isAfter(start)) {
          errors.add(new FieldError(at + "end", "must be after start on the same day"));
        }
        slots.add(new SlotSpec(id, SlotKind.WINDOW, null, null, start, end, capacity));
      } else {
        errors.add(new FieldError(at + "kind", "must be ASAP or WINDOW"));
      }
    }
    return slots;
  }

  private static LocalTime time(String text, String field, List<FieldError> errors) {
    if (text == null || !text.matches("\\d{2}:\\d{2}")) {
      errors.add(new FieldError(field, "must be a time of day like 17:00"));
      return null;
    }
    try {
      return LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(field, "must be a time of day like 17:00"));
      return null;
    }
  }

  /** Community names as households type them: spaces and letter case do not matter. */
  static String normalize(String community) {
    return community == null ? "" : community.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }
}
