package io.linli.realtime;

/**
 * A token bucket over client frames: {@code perSecond} sustained with a burst on top, so a client that types
 * fast is fine and one that floods is not.
 */
final class InboundRate {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long last = System.nanoTime();

  InboundRate(int perSecond, int burst) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
  }

  boolean tryTake() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
