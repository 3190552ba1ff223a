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

  private static String key(String scope) {
    return "pickup:{" + scope + "}:wrong";
  }

  private static String point(long pointId) {
    return "point:" + Ids.toText(pointId);
  }

  /** At the door the courier types the code of one order, so wrong tries are counted per order. */
  private static String delivery(long orderId) {
    return "delivery:" + Ids.toText(orderId);
  }

  /** Fails with 429 while the point is locked after too many wrong codes. */
  Future<Void> allowTry(long pointId) {
    return allowTry(point(pointId), "This pickup point");
  }

  Future<Void> wrongTry(long pointId) {
    return wrongTry(point(pointId));
  }

  /** Fails with 429 while a delivery takes no codes after too many wrong ones. */
  Future<Void> allowDeliveryTry(long orderId) {
    return allowTry(delivery(orderId), "This delivery");
  }

  Future<Void> wrongDeliveryTry(long orderId) {
    return wrongTry(delivery(orderId));
  }

  private Future<Void> allowTry(String scope, String what) {
    return redis.call(c -> c.get(key(scope))).compose(n -> n != null && Integer.parseInt(n) >= WRONG_TRIES_ALLOWED
        ? Future.failedFuture(Problem.of(429, "too-many-wrong-codes", "Too many wrong codes",
            what + " takes no codes for a while after " + WRONG_TRIES_ALLOWED + " wrong ones."))
        : Future.succeededFuture());
  }

  private Future<Void> wrongTry(String scope) {
    return redis.call(c -> c.incr(key(scope)))
        .compose(n -> n == 1 ? redis.call(c -> c.expire(key(scope), LOCK_SECONDS)).mapEmpty()
            : Future.succeededFuture());
  }
}
