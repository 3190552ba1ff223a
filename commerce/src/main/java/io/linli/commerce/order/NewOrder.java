package io.linli.commerce.order;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * An order about to be written: the join script has already reserved its stock in Redis. A pickup order names
 * its pickup point, and {@code pickupDay} when that point takes only so many bags a day (the day whose place it
 * takes; null for a point without capacity); a delivered one has no point, a {@code delivery} and its fee.
 */
public record NewOrder(long id, long dealId, long storeId, long streamId, long viewerId, int quantity,
    long unitPriceFen, String ref, String idempotencyKey, OrderStatus status, OffsetDateTime holdExpiresAt,
    Long pickupPointId, long deliveryFeeFen, OrderDelivery delivery, LocalDate pickupDay) {

  public long goodsFen() {
    return unitPriceFen * quantity;
  }

  /** What the buyer pays: the goods and, for a delivery, its fee. */
  public long amountFen() {
    return goodsFen() + deliveryFeeFen;
  }
}
