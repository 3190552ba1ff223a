package io.linli.ops.bench;

import io.linli.core.id.Ids;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.ThreadLocalRandom;

/** The store and the live stream every benchmark deal belongs to, made through the ordinary API. */
record Sale(String staffToken, String storeId, long storeIdNumber, String streamId, long streamIdNumber) {
  static final long PRICE_FEN = 2990;
  static final long GROUP_PRICE_FEN = 1990;

  static Sale open(SetupApi api) {
    String phone = "139" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
    JsonObject signUp = api.post("/api/stores", null, new JsonObject().put("name", "压测小店 bench store")
        .put("ownerName", "bench").put("phone", phone).put("password", "bench-password-1"));
    String token = signUp.getString("token");
    String storeId = signUp.getJsonObject("store").getString("id");
    JsonObject stream = api.post("/api/stores/" + storeId + "/streams", token, new JsonObject()
        .put("title", "join benchmark").put("scheduledAt", OffsetDateTime.now(ZoneOffset.UTC).toString()));
    String streamId = stream.getString("id");
    api.post("/api/streams/" + streamId + "/start", token, null);
    return new Sale(token, storeId, Ids.parse(storeId), streamId, Ids.parse(streamId));
  }

  /** A Linli deal (and its own product, since a deal takes its stock from its product); answers the deal id. */
  String openLinliDeal(SetupApi api, int stock, int perBuyerLimit, int threshold) {
    JsonObject product = api.post("/api/stores/" + storeId + "/products", staffToken, new JsonObject()
        .put("name", "爆款 hot item").put("priceFen", PRICE_FEN).put("stock", stock));
    JsonObject deal = api.post("/api/streams/" + streamId + "/deals", staffToken, new JsonObject()
        .put("productId", product.getString("id")).put("groupPriceFen", GROUP_PRICE_FEN)
        .put("threshold", threshold).put("countBy", "BUYERS").put("stock", stock)
        .put("perBuyerLimit", perBuyerLimit)
        .put("endsAt", OffsetDateTime.now(ZoneOffset.UTC).plusHours(2).toString()));
    return deal.getString("id");
  }
}
