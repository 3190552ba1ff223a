package io.linli.commerce.delivery;

import io.linli.commerce.order.OrderDelivery;

/**
 * A delivery the store can make: the zone that covers the address, the slot and day, and the zone's fee. The
 * fee is fixed when the order is placed, from the goods amount at that moment ({@code freeFromFen}).
 */
public record DeliveryPlan(OrderDelivery delivery, long feeFen, Long freeFromFen) {

  public long feeFor(long goodsFen) {
    return freeFromFen != null && goodsFen >= freeFromFen ? 0 : feeFen;
  }
}
