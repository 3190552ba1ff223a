package io.linli.commerce.deal;

import io.vertx.core.json.JsonObject;

/**
 * A deal's live counts, as the join script left them; {@code version} orders them for the room, and
 * {@code status} is the status Redis had at that version (the one the join script obeys).
 */
public record DealCounts(int joinedBuyers, int joinedUnits, int committedBuyers, int committedUnits,
    int remaining, long version, DealStatus status) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("joinedBuyers", joinedBuyers)
        .put("joinedUnits", joinedUnits)
        .put("committedBuyers", committedBuyers)
        .put("committedUnits", committedUnits)
        .put("remaining", remaining);
  }

  public int count(CountBy by) {
    return by == CountBy.BUYERS ? committedBuyers : committedUnits;
  }
}
