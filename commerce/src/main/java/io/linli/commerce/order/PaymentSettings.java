package io.linli.commerce.order;

import java.time.Duration;

/** How a store takes money: its mode, and how long an unpaid online join holds stock. */
public record PaymentSettings(PaymentMode mode, Duration paymentWindow) {
  public static final PaymentSettings DEFAULT = new PaymentSettings(PaymentMode.PAY_ON_PICKUP, Duration.ofMinutes(15));

  public boolean online() {
    return mode == PaymentMode.ONLINE;
  }
}
