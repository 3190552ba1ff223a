package io.linli.commerce.webhook;

import io.linli.core.Platform;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends queued webhook deliveries. Each sweep claims due deliveries (SKIP LOCKED, and pushes their next
 * attempt out first, so a node that dies mid-send only delays them), posts each signed, and records the
 * answer: 2xx delivers; anything else is tried again with backoff (2 s, 4 s, ... up to an hour), and after
 * {@value #MAX_ATTEMPTS} attempts the delivery is marked FAILED and kept in the log.
 */
public final class WebhookDispatcher {
  static final int MAX_ATTEMPTS = 8;
  private static final String CLAIM = "update webhook_deliveries d set attempts = d.attempts + 1,"
      + " next_attempt_at = now() + interval '60 seconds' where d.id in (select id from webhook_deliveries"
      + " where status = 'PENDING' and next_attempt_at <= now() order by id limit 50 for update skip locked)"
      + " returning d.id, d.payload, d.attempts, (select url from store_webhooks w where w.store_id = d.store_id) as url,"
      + " (select secret from store_webhooks w where w.store_id = d.store_id) as secret";

  private final Platform platform;
  private final HttpClient http;

  public WebhookDispatcher(Platform platform) {
    this.platform = platform;
    this.http = platform.vertx().createHttpClient(new HttpClientOptions().setConnectTimeout(5_000)
        .setIdleTimeout(10));
  }

  public Future<Integer> runOnce() {
    return platform.pool().query(CLAIM).execute().compose(rows -> {
      List<Future<Void>> sends = new ArrayList<>();
      for (Row r : rows) {
        sends.add(send(r));
      }
      return Future.join(sends).map(rows.size());
    });
  }

  private Future<Void> send(Row r) {
    long id = r.getLong("id");
    int attempts = r.getInteger("attempts");
    String body = external((JsonObject) r.getValue("payload")).encode();
    String url = r.getString("url");
    if (url == null) {
      return record(id, attempts, null, "the store removed its webhook");
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .setTimeout(10_000)
        .putHeader("Content-Type", "application/json")
        .putHeader(WebhookSignature.HEADER, WebhookSignature.sign(r.getString("secret"),
            platform.clock().instant().getEpochSecond(), body));
    return http.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .transform(ar -> ar.succeeded()
            ? record(id, attempts, ar.result(), null)
            : record(id, attempts, null, String.valueOf(ar.cause().getMessage())));
  }

  private Future<Void> record(long id, int attempts, Integer status, String error) {
    boolean delivered = status != null && status / 100 == 2;
    long backoffSeconds = Math.min(3600, 1L << Math.min(attempts, 12));
    String next = delivered ? "DELIVERED" : attempts >= MAX_ATTEMPTS ? "FAILED" : "PENDING";
    return platform.pool().preparedQuery("update webhook_deliveries set status = $2, last_status = $3,"
            + " last_error = $4, delivered_at = case when $2 = 'DELIVERED' then now() end,"
            + " next_attempt_at = now() + make_interval(secs => $5) where id = $1")
        .execute(Tuple.of(id, next, status, error == null && !delivered ? "HTTP " + status : error,
            (double) backoffSeconds))
        .mapEmpty();
  }

  /** The event as the store sees it: ids in their public form. */
  static JsonObject external(JsonObject stored) {
    JsonObject e = stored.copy();
    e.put("eventId", String.valueOf(stored.getValue("eventId")));
    e.put("orderId", Ids.toText(((Number) stored.getValue("orderId")).longValue()));
    e.put("dealId", Ids.toText(((Number) stored.getValue("dealId")).longValue()));
    return e;
  }
}
