package io.linli.commerce.fulfillment;

import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.redis.Redis;
import io.vertx.core.Future;
import java.security.SecureRandom;

/**
 * Six-digit pickup codes: drawn at random (a million per point, unique among the bags waiting there), and
 * guessing is made useless by counting wrong tries per point in Redis: past the limit, the point's counter
 * stops taking codes for a while.
 */
final class PickupCodes {
  static final int WRONG_TRIES_ALLOWED = 20;
  static final long LOCK_SECONDS = 600;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Redis redis;

  PickupCodes(Redis redis) {
    this.redis = redis;
  }

  static String draw() {
    return String.format("%06d", RANDOM.nextInt(1_000_000));
  }

  private static String key(long pointId) {
    return "pickup:{point:" + Ids.toText(pointId) + "}:wrong";
  }

  /** Fails with 429 while the point is locked after too many wrong codes. */
  Future<Void> allowTry(long pointId) {
    return redis.call(c -> c.get(key(pointId))).compose(n -> n != null && Integer.parseInt(n) >= WRONG_TRIES_ALLOWED
        ? Future.failedFuture(Problem.of(429, "too-many-wrong-codes", "Too many wrong codes",
            "This pickup point takes no codes for a while after " + WRONG_TRIES_ALLOWED + " wrong ones."))
        : Future.succeededFuture());
  }

  Future<Void> wrongTry(long pointId) {
    return redis.call(c -> c.incr(key(pointId)))
        .compose(n -> n == 1 ? redis.call(c -> c.expire(key(pointId), LOCK_SECONDS)).mapEmpty()
            : Future.succeededFuture());
  }
}
