package io.linli.commerce.deal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The deal's group price and its tiers, ascending: what a count pays now, and what the next tier needs. */
record PriceLadder(long groupPriceFen, List<Tier> tiers) {

  long priceAt(int count) {
    long price = groupPriceFen;
    for (Tier t : tiers) {
      if (count >= t.minCount()) {
        price = Math.min(price, t.priceFen());
      }
    }
    return price;
  }

  /** {currentPriceFen, nextTier:{minCount, priceFen, needed}|null}: what the room shows ("再来3户降到¥25.90"). */
  JsonObject view(int count) {
    JsonObject view = new JsonObject().put("currentPriceFen", priceAt(count)).putNull("nextTier");
    for (Tier t : tiers) {
      if (count < t.minCount()) {
        view.put("nextTier", t.toJson().put("needed", t.minCount() - count));
        break;
      }
    }
    return view;
  }

  JsonArray toJson() {
    return new JsonArray(tiers.stream().map(Tier::toJson).toList());
  }
}
