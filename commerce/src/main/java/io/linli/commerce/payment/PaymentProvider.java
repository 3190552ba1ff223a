package io.linli.commerce.payment;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * The port every payment provider fits: prepay (the buyer is sent to pay), an asynchronous signed notification
 * of the outcome, and refunds, which the provider accepts at once and settles later, telling us in a signed
 * refund notification (or when asked). Shaped after WeChat Pay v3 (JSAPI prepay, notify URL, refund API with
 * {@code out_refund_no}, REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED, query by {@code out_refund_no}), which
 * comes later behind the same port; the built-in sandbox speaks the same protocol.
 */
public interface PaymentProvider {
  String name();

  record PrepayRequest(long paymentId, long orderId, long amountFen, String description) {}

  record Prepay(String payUrl, String providerRef) {}

  Future<Prepay> prepay(PrepayRequest request);

  /** The outcome of a payment, as the provider notified it. */
  record Notification(String eventId, long paymentId, boolean succeeded, long amountFen, String providerRef) {}

  /** Checks the signature and reads the notification; throws a 401 Problem when it is not the provider's. */
  Notification verify(MultiMap headers, Buffer body);

  /**
   * A refund of {@code amountFen} of a payment of {@code paymentAmountFen}. {@code refundId} is our refund number
   * (WeChat's {@code out_refund_no}): the provider answers the same request with the same refund, so asking again
   * after a lost answer never refunds twice.
   */
  record RefundRequest(long refundId, long paymentId, String providerRef, long paymentAmountFen, long amountFen,
      String reason) {}

  /** The provider's answer to a refund request: accepted (its own refund id; the outcome comes later) or refused. */
  record RefundAcceptance(boolean accepted, String providerRefundId, String refusal) {
    public static RefundAcceptance accepted(String providerRefundId) {
      return new RefundAcceptance(true, providerRefundId, null);
    }

    public static RefundAcceptance refused(String why) {
      return new RefundAcceptance(false, null, why);
    }
  }

  /** Asks for a refund. A failed future means no answer came: whether it was accepted is for a query to find. */
  Future<RefundAcceptance> refund(RefundRequest request);

  /** How an accepted refund ended: the money is back, or the provider could not return it (and it is not). */
  enum RefundOutcome { SUCCESS, ABNORMAL, CLOSED }

  /** The outcome of a refund, as the provider notified it. */
  record RefundNotification(String eventId, long refundId, String providerRefundId, RefundOutcome outcome,
      long amountFen) {}

  /** Checks the signature and reads a refund notification; throws a 401 Problem when it is not the provider's. */
  RefundNotification verifyRefund(MultiMap headers, Buffer body);

  /**
   * What the provider knows of a refund: nothing ({@code known} false: the request never reached it), still
   * processing ({@code outcome} null), or its outcome.
   */
  record RefundStatus(boolean known, String providerRefundId, RefundOutcome outcome, long amountFen) {
    public static RefundStatus unknown() {
      return new RefundStatus(false, null, null, 0);
    }
  }

  /** Asks for a refund's outcome (for when no notification came). */
  Future<RefundStatus> queryRefund(RefundRequest request);
}
