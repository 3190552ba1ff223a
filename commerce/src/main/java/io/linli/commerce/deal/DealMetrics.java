package io.linli.commerce.deal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters an operator watches during a sale: groups formed and failed, prices lowered by tiers. */
final class DealMetrics {
  final Counter formed;
  final Counter failed;
  final Counter tierAdjusted;

  DealMetrics(MeterRegistry registry) {
    formed = Counter.builder("linli.deals.formed").description("Deals that formed").register(registry);
    failed = Counter.builder("linli.deals.failed").description("Deals that missed their threshold")
        .register(registry);
    tierAdjusted = Counter.builder("linli.orders.tier.adjusted")
        .description("Orders whose price was lowered to the tier reached").register(registry);
  }
}
