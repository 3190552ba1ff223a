package io.linli.realtime;

/**
 * A token bucket on one node: {@code perSecond} sustained with a burst on top. Used for a socket's client
 * frames (a client that types fast is fine, one that floods is not) and for sampling a crowded room's chatter.
 * Not thread-safe: each owner uses it on one thread or under its own lock.
 */
final class TokenBucket {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long last = System.nanoTime();

  TokenBucket(int perSecond, int burst) {
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
