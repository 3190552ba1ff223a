package io.linli.commerce.order;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store's payment settings. Joins read them on the hot path, so each node keeps them for a few seconds: a
 * change reaches every node within that time, which is fine for a setting a shop changes between streams.
 */
public final class PaymentSettingsService {
  private static final long KEEP_MILLIS = 5_000;

  private record Kept(PaymentSettings settings, long until) {}

  private final Platform platform;
  private final StoreService stores;
  private final Map<Long, Kept> kept = new ConcurrentHashMap<>();

  public PaymentSettingsService(Platform platform, StoreService stores) {
    this.platform = platform;
    this.stores = stores;
  }

  public Future<PaymentSettings> of(long storeId) {
    Kept k = kept.get(storeId);
    long now = System.currentTimeMillis();
    if (k != null && k.until() > now) {
      return Future.succeededFuture(k.settings());
    }
    return platform.pool()
        .preparedQuery("select mode, payment_window_seconds from store_payment_settings where store_id = $1")
        .execute(Tuple.of(storeId))
        .map(rows -> rows.size() == 0 ? PaymentSettings.DEFAULT
            : new PaymentSettings(PaymentMode.valueOf(rows.iterator().next().getString(0)),
                Duration.ofSeconds(rows.iterator().next().getInteger(1))))
        .onSuccess(s -> kept.put(storeId, new Kept(s, now + KEEP_MILLIS)));
  }

  public Future<JsonObject> update(Caller caller, long storeId, PaymentMode mode, int windowMinutes) {
    return stores.requireStaff(caller, storeId)
        .compose(role -> platform.pool()
            .preparedQuery("insert into store_payment_settings(store_id, mode, payment_window_seconds)"
                + " values ($1, $2, $3) on conflict (store_id) do update set mode = excluded.mode,"
                + " payment_window_seconds = excluded.payment_window_seconds")
            .execute(Tuple.of(storeId, mode.name(), windowMinutes * 60)))
        .map(x -> {
          kept.remove(storeId);
          return new JsonObject().put("mode", mode.name()).put("paymentWindowMinutes", windowMinutes);
        });
  }
}
