package io.linli.commerce.order;

import java.time.OffsetDateTime;

/** An order about to be written: the join script has already reserved its stock in Redis. */
public record NewOrder(long id, long dealId, long storeId, long streamId, long viewerId, int quantity,
    long unitPriceFen, int perBuyerLimit, String ref, String idempotencyKey, OrderStatus status,
    OffsetDateTime holdExpiresAt, long pickupPointId) {

  public long amountFen() {
    return unitPriceFen * quantity;
  }
}
