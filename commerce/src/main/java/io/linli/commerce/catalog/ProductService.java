package io.linli.commerce.catalog;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** A store's products: what it sells, at what list price, and how much it has. */
public final class ProductService {
  private final Platform platform;
  private final StoreService stores;

  public ProductService(Platform platform, StoreService stores) {
    this.platform = platform;
    this.stores = stores;
  }

  public record NewProduct(String name, long priceFen, int stock, String unit, String imageUrl,
      String description) {}

  public Future<JsonObject> create(Caller caller, long storeId, NewProduct p) {
    long id = Ids.next();
    return stores.requireStaff(caller, storeId)
        .compose(role -> platform.pool()
            .preparedQuery("insert into products(id, store_id, name, price_fen, stock, unit, image_url, description)"
                + " values ($1, $2, $3, $4, $5, $6, $7, $8) returning *")
            .execute(Tuple.from(new Object[] {id, storeId, p.name(), p.priceFen(), p.stock(), p.unit(),
                p.imageUrl(), p.description()})))
        .map(rows -> toJson(rows.iterator().next()));
  }

  static JsonObject toJson(Row r) {
    return new JsonObject()
        .put("id", Ids.toText(r.getLong("id")))
        .put("storeId", Ids.toText(r.getLong("store_id")))
        .put("name", r.getString("name"))
        .put("priceFen", r.getLong("price_fen"))
        .put("stock", r.getInteger("stock"))
        .put("unit", r.getString("unit"))
        .put("imageUrl", r.getString("image_url"))
        .put("description", r.getString("description"));
  }
}
