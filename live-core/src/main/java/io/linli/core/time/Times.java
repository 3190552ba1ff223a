package io.linli.core.time;

import io.linli.core.error.Problem;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Time is UTC in storage and ISO-8601 with the store's offset on the wire. */
public final class Times {
  public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");

  private Times() {}

  public static String iso(OffsetDateTime t, ZoneId zone) {
    return t == null ? null : t.atZoneSameInstant(zone).toOffsetDateTime().toString();
  }

  public static String iso(Instant t, ZoneId zone) {
    return t == null ? null : t.atZone(zone).toOffsetDateTime().toString();
  }

  /** Parses a request field; a bad value is a 400 naming the field. */
  public static OffsetDateTime parse(String field, String value) {
    try {
      return OffsetDateTime.parse(value);
    } catch (DateTimeParseException | NullPointerException e) {
      throw Problem.validation(field, "must be an ISO-8601 time with offset, like 2026-11-25T20:00:00+08:00");
    }
  }

  public static ZoneId zone(String field, String value) {
    if (value == null) {
      return DEFAULT_ZONE;
    }
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw Problem.validation(field, "must be an IANA time zone such as Asia/Shanghai");
    }
  }
}
