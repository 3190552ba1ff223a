package io.linli.commerce.order;

import java.util.List;

/**
 * PENDING_PAYMENT: joined in an online-paying store, holding stock until paid or until the payment window
 * lapses. PLACED: committed to the group, pay on pickup. PAID: paid online, committed to the group.
 * CONFIRMED: the group formed; the order goes on to fulfillment: PACKED, then for a pickup order DISPATCHED (on
 * its way to a leader's home or a locker; optional, nothing travels to the store's own counter) and
 * AT_PICKUP_POINT, or OUT_FOR_DELIVERY for a delivered one (either way a code is issued), COMPLETED (handed over).
 * CANCELLED: the group failed, the hold lapsed or the household withdrew. REFUNDED: cancelled and every fen paid has been returned.
 */
public enum OrderStatus {
  PENDING_PAYMENT, PLACED, PAID, CONFIRMED, PACKED, DISPATCHED, AT_PICKUP_POINT, OUT_FOR_DELIVERY, COMPLETED,
  CANCELLED, REFUNDED;

  /** Statuses that count towards a group. */
  public static final List<String> COMMITTED = List.of(PLACED.name(), PAID.name(), CONFIRMED.name(),
      PACKED.name(), DISPATCHED.name(), AT_PICKUP_POINT.name(), OUT_FOR_DELIVERY.name(), COMPLETED.name());

  /** Statuses that hold stock: committed ones and those still waiting for payment. */
  public static final List<String> HOLDING = List.of(PENDING_PAYMENT.name(), PLACED.name(), PAID.name(),
      CONFIRMED.name(), PACKED.name(), DISPATCHED.name(), AT_PICKUP_POINT.name(), OUT_FOR_DELIVERY.name(),
      COMPLETED.name());

  public static String sqlList(List<String> statuses) {
    return "('" + String.join("', '", statuses) + "')";
  }
}
