package io.linli.realtime;

import io.linli.core.id.Ids;
import io.linli.core.time.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

/** A poll as stored: a question with 2 to 6 options, DRAFT until opened, OPEN while voting, then CLOSED. */
record Poll(long id, long streamId, String question, List<String> options, Integer durationSeconds, String status,
    OffsetDateTime openedAt, OffsetDateTime closesAt, OffsetDateTime closedAt, List<Integer> results, ZoneId zone) {

  static final String DRAFT = "DRAFT";
  static final String OPEN = "OPEN";
  static final String CLOSED = "CLOSED";

  static final String COLUMNS = "p.id, p.stream_id, p.question, p.options, p.duration_seconds, p.status,"
      + " p.opened_at, p.closes_at, p.closed_at, p.results, st.timezone";
  /** The tables COLUMNS come from. */
  static final String FROM = " from polls p join streams s on s.id = p.stream_id join stores st on st.id = s.store_id";

  static Poll from(Row r) {
    Integer[] results = r.getArrayOfIntegers("results");
    return new Poll(r.getLong("id"), r.getLong("stream_id"), r.getString("question"),
        List.of(r.getArrayOfStrings("options")), r.getInteger("duration_seconds"), r.getString("status"),
        r.getOffsetDateTime("opened_at"), r.getOffsetDateTime("closes_at"), r.getOffsetDateTime("closed_at"),
        results == null ? null : List.of(results), ZoneId.of(r.getString("timezone")));
  }

  boolean isOpen() {
    return OPEN.equals(status);
  }

  /** The state key of a poll's live tally. */
  static String stateKey(long pollId) {
    return "poll:" + Ids.toText(pollId);
  }

  /** With the votes per option it has now (live while open, final once closed) and the tally's version. */
  JsonObject toJson(List<Integer> counts, long version) {
    List<Integer> shown = counts != null ? counts : results != null ? results : zeros();
    return new JsonObject()
        .put("id", Ids.toText(id))
        .put("streamId", Ids.toText(streamId))
        .put("question", question)
        .put("options", new JsonArray(options))
        .put("status", status)
        .put("durationSeconds", durationSeconds)
        .put("openedAt", Times.iso(openedAt, zone))
        .put("closesAt", Times.iso(closesAt, zone))
        .put("closedAt", Times.iso(closedAt, zone))
        .put("counts", new JsonArray(shown))
        .put("total", shown.stream().mapToInt(Integer::intValue).sum())
        .put("version", version);
  }

  JsonObject toJson() {
    return toJson(null, 0);
  }

  List<Integer> zeros() {
    Integer[] zeros = new Integer[options.size()];
    Arrays.fill(zeros, 0);
    return List.of(zeros);
  }
}
