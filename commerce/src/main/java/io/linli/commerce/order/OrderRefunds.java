package io.linli.commerce.order;

import io.linli.core.Platform;
import io.linli.core.id.Ids;
import io.linli.core.time.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneId;

/**
 * An order's refunds as its page shows them: every attempt, whether the money is back, and, for one the provider
 * could not return (ABNORMAL, CLOSED) or refused, why, and whether staff have tried it again. Read from the
 * record; the payment side writes it.
 */
public final class OrderRefunds {
  /** The columns {@link #toJson} reads, over {@code refunds r}. */
  public static final String COLUMNS = "r.id, r.order_id, r.payment_id, r.reason, r.amount_fen, r.status,"
      + " r.outcome, r.failure, r.provider_refund_id, r.claim_id, r.retry_of, r.created_at, r.settled_at,"
      + " (select n.id from refunds n where n.retry_of = r.id) as retried_by";

  private final Platform platform;

  public OrderRefunds(Platform platform) {
    this.platform = platform;
  }

  /** The order's refunds, oldest first. */
  public Future<JsonArray> of(long orderId, ZoneId zone) {
    return platform.pool().preparedQuery("select " + COLUMNS + " from refunds r where r.order_id = $1 order by r.id")
        .execute(Tuple.of(orderId))
        .map(rows -> {
          JsonArray list = new JsonArray();
          rows.forEach(r -> list.add(toJson(r, zone)));
          return list;
        });
  }

  public static JsonObject toJson(Row r, ZoneId zone) {
    Long retriedBy = r.getLong("retried_by");
    return new JsonObject()
        .put("id", Ids.toText(r.getLong("id")))
        .put("orderId", Ids.toText(r.getLong("order_id")))
        .put("paymentId", Ids.toText(r.getLong("payment_id")))
        .put("reason", r.getString("reason"))
        .put("amountFen", r.getLong("amount_fen"))
        .put("status", r.getString("status"))
        .put("outcome", r.getString("outcome"))
        .put("failure", r.getString("failure"))
        .put("providerRefundId", r.getString("provider_refund_id"))
        .put("claimId", r.getLong("claim_id") == null ? null : Ids.toText(r.getLong("claim_id")))
        .put("retryOf", r.getLong("retry_of") == null ? null : Ids.toText(r.getLong("retry_of")))
        .put("retriedBy", retriedBy == null ? null : Ids.toText(retriedBy))
        // What staff can act on: a refund that did not return the money and has not been tried again.
        .put("retryable", "FAILED".equals(r.getString("status")) && retriedBy == null)
        .put("createdAt", Times.iso(r.getOffsetDateTime("created_at"), zone))
        .put("settledAt", Times.iso(r.getOffsetDateTime("settled_at"), zone));
  }
}
