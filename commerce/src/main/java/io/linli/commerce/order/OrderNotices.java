package io.linli.commerce.order;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.time.Times;
import io.linli.core.viewer.ViewerNotices;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A buyer's order notices, read from the record: {@code order_events} (written by a trigger on every status
 * change, which also rings the buyer's personal channel, V9) and {@code refund_events} (a refund that succeeded or
 * failed for good, V12; rung the same way). The same notice goes to the buyer's sockets, to a reconnecting client
 * that names the last one it had, and to the order page over HTTP. It carries only what the buyer may see: the
 * pickup code while the bag waits at its point, never who on the staff acted.
 */
public final class OrderNotices implements ViewerNotices {
  public static final String TYPE = "order.updated";
  /** A refund of one of the buyer's orders ended: the money is back, or could not be returned (V12). */
  public static final String REFUND_TYPE = "order.refund";
  /**
   * The buyer's two kinds of notice, numbered from one sequence: an order's status changes ({@code order_events})
   * and its refunds' endings ({@code refund_events}, with the refund). Columns a kind lacks are null.
   */
  private static final String NOTICES = "select e.id as event_id, e.order_id, e.from_status, e.to_status,"
      + " e.actor_kind, e.reason, e.at, null::bigint as refund_id, null::text as refund_reason,"
      + " null::bigint as refund_fen, null::text as refund_status, null::text as refund_outcome,"
      + " null::text as refund_failure, null::bigint as claim_id"
      + " from order_events e join orders o on o.id = e.order_id where o.viewer_id = $1 and e.id > $2 and e.at > $3"
      + " union all"
      + " select re.id, re.order_id, null, null, 'SYSTEM', null, re.at, r.id, r.reason, r.amount_fen, re.status,"
      + " r.outcome, r.failure, r.claim_id"
      + " from refund_events re join orders o on o.id = re.order_id join refunds r on r.id = re.refund_id"
      + " where o.viewer_id = $1 and re.id > $2 and re.at > $3";
  private static final String AFTER = "select n.*, o.deal_id, o.stream_id, o.status, o.quantity, o.amount_fen,"
      + " o.pickup_point_id, o.pickup_code, st.timezone,"
      + " (select coalesce(sum(l.amount_fen), 0) from ledger_entries l where l.order_id = o.id"
      + "  and l.kind = 'PAYMENT') as paid_fen,"
      + " (select coalesce(-sum(l.amount_fen), 0) from ledger_entries l where l.order_id = o.id"
      + "  and l.kind = 'REFUND') as refunded_fen"
      + " from (" + NOTICES + ") n join orders o on o.id = n.order_id join stores st on st.id = o.store_id"
      + " order by n.event_id limit $4";
  private static final String HISTORY = "select e.id, e.from_status, e.to_status, e.actor_kind, e.actor_id, e.reason,"
      + " e.at from order_events e where e.order_id = $1 order by e.id";

  private final Platform platform;

  public OrderNotices(Platform platform) {
    this.platform = platform;
  }

  @Override
  public Future<List<JsonObject>> after(long viewerId, long afterEventId, int limit) {
    return platform.pool().preparedQuery(AFTER)
        .execute(Tuple.of(viewerId, afterEventId, platform.clock().instant().minus(WINDOW)
            .atOffset(java.time.ZoneOffset.UTC), Math.max(1, limit)))
        .map(rows -> {
          List<JsonObject> notices = new ArrayList<>();
          rows.forEach(r -> notices.add(notice(r)));
          return notices;
        });
  }

  /** {@code GET /api/me/order-events}: the caller's own notices after an event id (viewers only). */
  public Future<JsonObject> mine(Caller caller, long afterEventId, int limit) {
    if (!caller.isViewer()) {
      return Future.failedFuture(Problem.forbidden("Order notices are a household's own; staff see store views."));
    }
    int shown = Math.min(Math.max(1, limit), MAX_READ);
    return after(caller.id(), afterEventId, shown + 1).map(notices -> new JsonObject()
        .put("events", new JsonArray(notices.subList(0, Math.min(shown, notices.size()))))
        .put("truncated", notices.size() > shown));
  }

  /**
   * An order's changes, oldest first, for its page: from, to, why, when, and by whom (the kind of actor; staff
   * reading it also see which staff member).
   */
  public Future<JsonArray> history(long orderId, ZoneId zone, boolean staffReader) {
    return platform.pool().preparedQuery(HISTORY).execute(Tuple.of(orderId)).map(rows -> {
      JsonArray history = new JsonArray();
      for (Row r : rows) {
        JsonObject by = new JsonObject().put("kind", r.getString("actor_kind"));
        if (staffReader && "STAFF".equals(r.getString("actor_kind")) && r.getLong("actor_id") != null) {
          by.put("id", Ids.toText(r.getLong("actor_id")));
        }
        history.add(new JsonObject()
            .put("eventId", r.getLong("id"))
            .put("from", r.getString("from_status"))
            .put("status", r.getString("to_status"))
            .put("reason", r.getString("reason"))
            .put("by", by)
            .put("at", Times.iso(r.getOffsetDateTime("at"), zone)));
      }
      return history;
    });
  }

  private static JsonObject notice(Row r) {
    return r.getLong("refund_id") != null ? refundNotice(r) : statusNotice(r);
  }

  /** A refund ended: how much, why, and whether the money is back; the order's money so far. */
  private static JsonObject refundNotice(Row r) {
    ZoneId zone = ZoneId.of(r.getString("timezone"));
    return new JsonObject()
        .put("type", REFUND_TYPE)
        .put("eventId", r.getLong("event_id"))
        .put("orderId", Ids.toText(r.getLong("order_id")))
        .put("dealId", Ids.toText(r.getLong("deal_id")))
        .put("streamId", Ids.toText(r.getLong("stream_id")))
        .put("at", Times.iso(r.getOffsetDateTime("at"), zone))
        .put("refund", new JsonObject()
            .put("id", Ids.toText(r.getLong("refund_id")))
            .put("reason", r.getString("refund_reason"))
            .put("amountFen", r.getLong("refund_fen"))
            .put("status", r.getString("refund_status"))
            .put("outcome", r.getString("refund_outcome"))
            .put("failure", r.getString("refund_failure"))
            .put("claimId", r.getLong("claim_id") == null ? null : Ids.toText(r.getLong("claim_id"))))
        .put("amountFen", r.getLong("amount_fen"))
        .put("paidFen", r.getLong("paid_fen"))
        .put("refundedFen", r.getLong("refunded_fen"));
  }

  private static JsonObject statusNotice(Row r) {
    ZoneId zone = ZoneId.of(r.getString("timezone"));
    String to = r.getString("to_status");
    JsonObject n = new JsonObject()
        .put("type", TYPE)
        .put("eventId", r.getLong("event_id"))
        .put("orderId", Ids.toText(r.getLong("order_id")))
        .put("dealId", Ids.toText(r.getLong("deal_id")))
        .put("streamId", Ids.toText(r.getLong("stream_id")))
        .put("status", to)
        .put("from", r.getString("from_status"))
        .put("reason", r.getString("reason"))
        .put("by", r.getString("actor_kind"))
        .put("at", Times.iso(r.getOffsetDateTime("at"), zone))
        .put("quantity", r.getInteger("quantity"))
        .put("amountFen", r.getLong("amount_fen"))
        .put("paidFen", r.getLong("paid_fen"))
        .put("refundedFen", r.getLong("refunded_fen"));
    if (OrderStatus.DISPATCHED.name().equals(to)) {
      // On its way: where to ("on its way to <point>" is the reason), no code yet.
      n.put("pickupPointId", Ids.toText(r.getLong("pickup_point_id")));
    }
    if (OrderStatus.AT_PICKUP_POINT.name().equals(to)) {
      n.put("pickupPointId", r.getLong("pickup_point_id") == null ? null : Ids.toText(r.getLong("pickup_point_id")));
      // The code proves the bag is theirs; shown while the bag waits (a handed-over code is spent).
      n.put("pickupCode", OrderStatus.AT_PICKUP_POINT.name().equals(r.getString("status"))
          ? r.getString("pickup_code") : null);
    }
    return n;
  }
}
