package io.linli.commerce.deal;

import io.linli.core.error.Problem;
import java.time.OffsetDateTime;
import java.util.List;

/** What makes a new deal sensible beyond the schema's types and ranges; the first rule broken names its field. */
final class DealRules {
  private DealRules() {}

  static Problem check(DealService.NewDeal d, OffsetDateTime now) {
    if (!d.endsAt().isAfter(now)) {
      return Problem.unprocessable("endsAt", "must be in the future");
    }
    if (d.opensAt() != null && !d.opensAt().isBefore(d.endsAt())) {
      return Problem.unprocessable("opensAt", "must be before endsAt");
    }
    if (d.perBuyerLimit() > d.stock()) {
      return Problem.unprocessable("perBuyerLimit", "cannot exceed the deal's stock");
    }
    if (d.maxPerOrder() != null && d.maxPerOrder() > d.perBuyerLimit()) {
      return Problem.unprocessable("maxPerOrder", "cannot exceed perBuyerLimit");
    }
    List<Tier> tiers = d.tiers();
    int lastCount = d.threshold();
    long lastPrice = d.groupPriceFen();
    for (int i = 0; i < tiers.size(); i++) {
      Tier t = tiers.get(i);
      if (t.minCount() <= lastCount) {
        return Problem.unprocessable("tiers[" + i + "].minCount",
            "must be above the threshold and the tier before it (" + lastCount + ")");
      }
      if (t.priceFen() >= lastPrice) {
        return Problem.unprocessable("tiers[" + i + "].priceFen",
            "must be below the group price and the tier before it (" + lastPrice + ")");
      }
      lastCount = t.minCount();
      lastPrice = t.priceFen();
    }
    return null;
  }
}
