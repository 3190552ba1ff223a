package io.linli.commerce.webhook;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;

/** A store's webhook: where to send order changes, the secret they are signed with, and the delivery log. */
public final class WebhookService {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Platform platform;
  private final StoreService stores;

  public WebhookService(Platform platform, StoreService stores) {
    this.platform = platform;
    this.stores = stores;
  }

  /** Sets the URL; a new secret is made each time, and shown only in this answer. */
  public Future<JsonObject> set(Caller caller, long storeId, String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(Problem.validation("url", "is not a URL"));
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
      return Future.failedFuture(Problem.validation("url", "must be an http(s) URL"));
    }
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String secret = "whsec_" + HexFormat.of().formatHex(bytes);
    return stores.requireStaff(caller, storeId)
        .compose(role -> platform.pool().preparedQuery("insert into store_webhooks(store_id, url, secret)"
                + " values ($1, $2, $3) on conflict (store_id) do update set url = excluded.url,"
                + " secret = excluded.secret")
            .execute(Tuple.of(storeId, url, secret)))
        .map(x -> new JsonObject().put("url", url).put("secret", secret));
  }

  public Future<JsonObject> deliveries(Caller caller, long storeId) {
    return stores.requireStaff(caller, storeId)
        .compose(role -> platform.pool().preparedQuery("select * from webhook_deliveries where store_id = $1"
                + " order by id desc limit 100")
            .execute(Tuple.of(storeId)))
        .map(rows -> {
          JsonArray list = new JsonArray();
          rows.forEach(r -> list.add(new JsonObject()
              .put("id", r.getLong("id").toString())
              .put("event", WebhookDispatcher.external((JsonObject) r.getValue("payload")))
              .put("status", r.getString("status"))
              .put("attempts", r.getInteger("attempts"))
              .put("lastStatus", r.getInteger("last_status"))
              .put("lastError", r.getString("last_error"))
              .put("deliveredAt", r.getOffsetDateTime("delivered_at") == null ? null
                  : r.getOffsetDateTime("delivered_at").toString())));
          return new JsonObject().put("deliveries", list);
        });
  }
}
