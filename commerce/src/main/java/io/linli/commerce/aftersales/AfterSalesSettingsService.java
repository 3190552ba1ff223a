package io.linli.commerce.aftersales;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Reads and saves a store's after-sales rules; a store that never set them has the defaults. */
public final class AfterSalesSettingsService {
  private final Platform platform;
  private final StoreService stores;

  public AfterSalesSettingsService(Platform platform, StoreService stores) {
    this.platform = platform;
    this.stores = stores;
  }

  public Future<AfterSalesSettings> of(SqlClient client, long storeId) {
    return client.preparedQuery("select claim_window_hours, leader_limit_fen, photo_max_bytes"
            + " from store_after_sales_settings where store_id = $1")
        .execute(Tuple.of(storeId))
        .map(rows -> rows.size() == 0 ? AfterSalesSettings.DEFAULT
            : new AfterSalesSettings(rows.iterator().next().getInteger(0), rows.iterator().next().getLong(1),
                rows.iterator().next().getInteger(2)));
  }

  public Future<JsonObject> get(Caller caller, long storeId) {
    return stores.requireStaff(caller, storeId).compose(role -> of(platform.pool(), storeId))
        .map(AfterSalesSettings::toJson);
  }

  /** Fields left out keep their current value. */
  public Future<JsonObject> update(Caller caller, long storeId, Integer windowHours, Long leaderLimitFen,
      Integer photoMaxBytes) {
    return stores.requireStaff(caller, storeId)
        .compose(role -> of(platform.pool(), storeId))
        .map(now -> new AfterSalesSettings(windowHours == null ? now.claimWindowHours() : windowHours,
            leaderLimitFen == null ? now.leaderLimitFen() : leaderLimitFen,
            photoMaxBytes == null ? now.photoMaxBytes() : photoMaxBytes))
        .compose(s -> platform.pool()
            .preparedQuery("insert into store_after_sales_settings(store_id, claim_window_hours, leader_limit_fen,"
                + " photo_max_bytes) values ($1, $2, $3, $4) on conflict (store_id) do update set"
                + " claim_window_hours = excluded.claim_window_hours, leader_limit_fen = excluded.leader_limit_fen,"
                + " photo_max_bytes = excluded.photo_max_bytes")
            .execute(Tuple.of(storeId, s.claimWindowHours(), s.leaderLimitFen(), s.photoMaxBytes()))
            .map(x -> s.toJson()));
  }
}
