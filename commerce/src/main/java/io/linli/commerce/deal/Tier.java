package io.linli.commerce.deal;

import io.vertx.core.json.JsonObject;

/** A price that applies once the deal's count reaches {@code minCount} (e.g. ≥30 households: ¥25.90). */
public record Tier(int minCount, long priceFen) {
  public JsonObject toJson() {
    return new JsonObject().put("minCount", minCount).put("priceFen", priceFen);
  }
}
