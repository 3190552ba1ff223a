package io.linli.commerce.payment;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * The port every payment provider fits: prepay (the buyer is sent to pay), an asynchronous signed notification
 * of the outcome, and refunds. Shaped after WeChat Pay v3 (JSAPI prepay, notify URL, refund API), which comes
 * later behind the same port; the built-in sandbox speaks the same protocol.
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

  record RefundRequest(long refundId, long paymentId, String providerRef, long amountFen, String reason) {}

  /** Answers true when the provider has refunded (the sandbox does at once; real ones may notify later). */
  Future<Boolean> refund(RefundRequest request);
}
