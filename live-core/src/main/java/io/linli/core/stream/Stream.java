package io.linli.core.stream;

import io.linli.core.id.Ids;
import io.linli.core.time.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/** A livestream of a store, as stored. */
public record Stream(long id, long storeId, String title, OffsetDateTime scheduledAt, StreamStatus status,
    String shareCode, OffsetDateTime startedAt, OffsetDateTime endedAt, ZoneId zone) {

  static final String COLUMNS = "s.id, s.store_id, s.title, s.scheduled_at, s.status, s.share_code,"
      + " s.started_at, s.ended_at, st.timezone";

  static Stream from(Row r) {
    return new Stream(r.getLong("id"), r.getLong("store_id"), r.getString("title"),
        r.getOffsetDateTime("scheduled_at"), StreamStatus.valueOf(r.getString("status")),
        r.getString("share_code"), r.getOffsetDateTime("started_at"), r.getOffsetDateTime("ended_at"),
        ZoneId.of(r.getString("timezone")));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Ids.toText(id))
        .put("storeId", Ids.toText(storeId))
        .put("title", title)
        .put("scheduledAt", Times.iso(scheduledAt, zone))
        .put("status", status.name())
        .put("shareCode", shareCode)
        .put("startedAt", Times.iso(startedAt, zone))
        .put("endedAt", Times.iso(endedAt, zone));
  }
}
