package io.linli.commerce.order;

import java.util.List;

/**
 * PLACED: committed to the group, pay on pickup, waiting for the group to form. CONFIRMED: the group formed;
 * the order goes on to fulfillment. CANCELLED: the group failed (or the order was withdrawn).
 * Payments and fulfillment add their states in the order-pipeline issue.
 */
public enum OrderStatus {
  PLACED, CONFIRMED, CANCELLED;

  /** Statuses that count towards a group and hold stock. */
  public static final List<String> COMMITTED = List.of(PLACED.name(), CONFIRMED.name());
}
