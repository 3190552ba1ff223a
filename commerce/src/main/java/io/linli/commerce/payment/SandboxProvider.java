package io.linli.commerce.payment;

import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.redis.Redis;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The built-in sandbox provider, for trying a store's online payments without a merchant account. Its
 * "remote" side is {@link SandboxGateway} (a hosted pay page with pay / fail buttons); the two share only
 * Redis and the wire protocol: a prepay record, and signed notifications to the node's notify URL.
 */
public final class SandboxProvider implements PaymentProvider {
  public static final String NAME = "sandbox";
  /** Notifications older than this are refused: a captured one cannot be replayed later. */
  private static final Duration FRESH = Duration.ofMinutes(5);
  static final Duration KEPT = Duration.ofDays(2);

  private final Redis redis;
  private final SandboxSignature signature;
  private final Clock clock;

  public SandboxProvider(Redis redis, String secret, Clock clock) {
    this.redis = redis;
    this.signature = new SandboxSignature(secret);
    this.clock = clock;
  }

  static String key(long paymentId) {
    return "sandbox:payment:" + Ids.toText(paymentId);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Prepay> prepay(PrepayRequest request) {
    String ref = "sbx_" + Ids.toText(request.paymentId());
    return redis.call(c -> c.hset(key(request.paymentId()), Map.of("amountFen", Long.toString(request.amountFen()),
            "description", request.description(), "providerRef", ref, "status", "PENDING")))
        .compose(x -> redis.call(c -> c.expire(key(request.paymentId()), KEPT.toSeconds())))
        .map(x -> new Prepay("/sandbox/pay/" + Ids.toText(request.paymentId()), ref));
  }

  @Override
  public Notification verify(MultiMap headers, Buffer body) {
    String timestamp = headers.get(SandboxSignature.TIMESTAMP);
    String text = body == null ? "" : body.toString();
    if (!signature.matches(timestamp, headers.get(SandboxSignature.NONCE), text,
        headers.get(SandboxSignature.SIGNATURE))) {
      throw Problem.unauthorized("The notification's signature is not the sandbox's.");
    }
    long sentAt;
    try {
      sentAt = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      throw Problem.unauthorized("The notification has no valid timestamp.");
    }
    if (Math.abs(clock.instant().getEpochSecond() - sentAt) > FRESH.toSeconds()) {
      throw Problem.unauthorized("The notification is too old to be trusted.");
    }
    try {
      JsonObject n = new JsonObject(text);
      return new Notification(n.getString("eventId"), Ids.parse(n.getString("paymentId")),
          "SUCCESS".equals(n.getString("outcome")), n.getLong("amountFen"), n.getString("providerRef"));
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      throw Problem.validation("body", "is not a sandbox notification");
    }
  }

  @Override
  public Future<Boolean> refund(RefundRequest request) {
    return redis.call(c -> c.hincrby(key(request.paymentId()), "refundedFen", request.amountFen())).map(true);
  }

  /** Signs a notification as the sandbox gateway sends it (also used by tests to play the provider). */
  public Map<String, String> signedHeaders(String body, String nonce) {
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    return Map.of(SandboxSignature.TIMESTAMP, timestamp, SandboxSignature.NONCE, nonce,
        SandboxSignature.SIGNATURE, signature.sign(timestamp, nonce, body), "Content-Type", "application/json");
  }
}
