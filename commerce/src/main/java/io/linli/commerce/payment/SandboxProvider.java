package io.linli.commerce.payment;

import io.lettuce.core.ScriptOutputType;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.redis.LuaScript;
import io.linli.core.redis.Redis;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The built-in sandbox provider, for trying a store's online payments without a merchant account. Its
 * "remote" side is {@link SandboxGateway} (a hosted pay page with pay / fail buttons); the two share only
 * Redis and the wire protocol: a prepay record, and signed notifications to the node's notify URLs.
 *
 * <p>A refund request is accepted at once (or refused, as a real provider refuses one for more than is left of the
 * payment); its outcome is decided then, from the switch the pay page sets for the payment's next refund, and the
 * gateway is handed the accepted refund to notify, as a real provider's refund desk would be. A query answers
 * the outcome at once.
 */
public final class SandboxProvider implements PaymentProvider {
  public static final String NAME = "sandbox";
  /** Notifications older than this are refused: a captured one cannot be replayed later. */
  private static final Duration FRESH = Duration.ofMinutes(5);
  /** Long enough for an after-sales refund days after handover; WeChat Pay takes refunds for a year. */
  static final Duration KEPT = Duration.ofDays(90);
  private static final LuaScript REFUND = LuaScript.fromClasspath("lua/sandbox_refund.lua", ScriptOutputType.MULTI);

  /** The sandbox's remote side, handed every refund it accepts (the gateway, or a test playing it). */
  public interface RefundDesk {
    void accepted(long paymentId, long refundId);
  }

  private final Redis redis;
  private final SandboxSignature signature;
  private final Clock clock;
  private volatile RefundDesk desk = (paymentId, refundId) -> {};

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
    String text = signed(headers, body);
    try {
      JsonObject n = new JsonObject(text);
      return new Notification(n.getString("eventId"), Ids.parse(n.getString("paymentId")),
          "SUCCESS".equals(n.getString("outcome")), n.getLong("amountFen"), n.getString("providerRef"));
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      throw Problem.validation("body", "is not a sandbox notification");
    }
  }

  @Override
  public RefundNotification verifyRefund(MultiMap headers, Buffer body) {
    String text = signed(headers, body);
    try {
      JsonObject n = new JsonObject(text);
      long refundId = Ids.parse(n.getString("refundId"));
      if (refundId < 0 || n.getString("eventId") == null) {
        throw new IllegalArgumentException("no refund id or event id");
      }
      return new RefundNotification(n.getString("eventId"), refundId, n.getString("providerRefundId"),
          RefundOutcome.valueOf(n.getString("outcome")), n.getLong("amountFen"));
    } catch (DecodeException | ClassCastException | NullPointerException | IllegalArgumentException e) {
      throw Problem.validation("body", "is not a sandbox refund notification");
    }
  }

  /** The body, once its signature and timestamp prove it is the sandbox's and fresh; else a 401. */
  private String signed(MultiMap headers, Buffer body) {
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
    return text;
  }

  @Override
  public Future<RefundAcceptance> refund(RefundRequest request) {
    String providerRefundId = "sbr_" + Ids.toText(request.refundId());
    return redis.<List<Object>>eval(REFUND, new String[] {key(request.paymentId())}, Ids.toText(request.refundId()),
            Long.toString(request.amountFen()), providerRefundId, Long.toString(clock.millis()))
        .map(answer -> {
          if (!"ACCEPTED".equals(answer.get(0))) {
            return RefundAcceptance.refused((String) answer.get(1));
          }
          if (((Long) answer.get(2)) == 1L) {
            desk.accepted(request.paymentId(), request.refundId());
          }
          return RefundAcceptance.accepted((String) answer.get(1));
        });
  }

  @Override
  public Future<RefundStatus> queryRefund(RefundRequest request) {
    return refundRecord(request.paymentId(), request.refundId()).map(r -> r == null ? RefundStatus.unknown()
        : new RefundStatus(true, r.getString("providerRefundId"), RefundOutcome.valueOf(r.getString("outcome")),
            Long.parseLong(r.getString("amountFen"))));
  }

  /** Where accepted refunds go to be notified: the sandbox's remote side registers itself here. */
  public void deskIs(RefundDesk desk) {
    this.desk = desk;
  }

  /** The sandbox's notification of an accepted refund: its body, and whether the switch said to send it. */
  public record RefundNotice(String body, boolean send) {}

  /**
   * The notification of an accepted refund, or null for a refund the sandbox does not know. Each has a fresh
   * event id: a real provider's retries of one notification share their id, a new notification does not.
   */
  public Future<RefundNotice> refundNotice(long paymentId, long refundId) {
    return refundRecord(paymentId, refundId).map(r -> r == null ? null : new RefundNotice(new JsonObject()
        .put("eventId", UUID.randomUUID().toString())
        .put("eventType", "REFUND." + r.getString("outcome"))
        .put("refundId", Ids.toText(refundId)).put("providerRefundId", r.getString("providerRefundId"))
        .put("paymentId", Ids.toText(paymentId)).put("outcome", r.getString("outcome"))
        .put("amountFen", Long.parseLong(r.getString("amountFen"))).encode(), "1".equals(r.getString("notify"))));
  }

  /**
   * The switch on the sandbox's pay page: how the payment's next refund ends, and whether the sandbox notifies
   * it (when not, only a query finds the outcome). One refund uses it up. Answers false for an unknown payment.
   */
  public Future<Boolean> nextRefund(long paymentId, RefundOutcome outcome, boolean notify) {
    String key = key(paymentId);
    return redis.call(c -> c.exists(key)).compose(n -> n == 0 ? Future.succeededFuture(false)
        : redis.call(c -> c.hset(key, Map.of("nextRefundOutcome", outcome.name(), "nextRefundNotify",
            notify ? "1" : "0"))).map(true));
  }

  private Future<JsonObject> refundRecord(long paymentId, long refundId) {
    return redis.call(c -> c.hget(key(paymentId), "refund:" + Ids.toText(refundId)))
        .map(text -> text == null ? null : new JsonObject(text));
  }

  /** Signs a notification as the sandbox gateway sends it (also used by tests to play the provider). */
  public Map<String, String> signedHeaders(String body, String nonce) {
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    return Map.of(SandboxSignature.TIMESTAMP, timestamp, SandboxSignature.NONCE, nonce,
        SandboxSignature.SIGNATURE, signature.sign(timestamp, nonce, body), "Content-Type", "application/json");
  }
}
