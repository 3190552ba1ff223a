package io.linli.commerce.api;

import static io.linli.core.api.CoreRoutes.id;

import io.linli.commerce.order.PaymentMode;
import io.linli.commerce.order.PaymentSettingsService;
import io.linli.commerce.payment.PaymentService;
import io.linli.commerce.payment.RefundService;
import io.linli.core.auth.Auth;
import io.linli.core.http.Api;
import io.linli.core.http.Reply;
import io.vertx.core.json.JsonObject;

/**
 * HTTP for paying: a store's payment settings, starting a payment, the provider's payment and refund
 * notifications, and staff trying a failed refund again.
 */
public final class PaymentRoutes {
  private final Auth auth;
  private final PaymentSettingsService settings;
  private final PaymentService payments;
  private final RefundService refunds;

  public PaymentRoutes(Auth auth, PaymentSettingsService settings, PaymentService payments, RefundService refunds) {
    this.auth = auth;
    this.settings = settings;
    this.payments = payments;
    this.refunds = refunds;
  }

  public void mount(Api api) {
    api.on("updatePaymentSettings", ctx -> {
      JsonObject b = Api.body(ctx);
      return auth.staff(ctx).compose(c -> settings.update(c, id(ctx, "storeId", "Store"),
          PaymentMode.valueOf(b.getString("mode")), b.getInteger("paymentWindowMinutes", 15))).map(Reply::ok);
    }).on("startPayment", ctx -> auth.caller(ctx)
        .compose(c -> payments.start(c, id(ctx, "orderId", "Order"), Api.header(ctx, "Idempotency-Key")))
        .map(Reply::created)
    ).on("sandboxNotify", ctx -> payments.notified(ctx.request().headers(), ctx.body().buffer())
        .map(x -> Reply.ok(new JsonObject().put("code", "SUCCESS")))
    ).on("sandboxRefundNotify", ctx -> refunds.notified(ctx.request().headers(), ctx.body().buffer())
        .map(x -> Reply.ok(new JsonObject().put("code", "SUCCESS")))
    ).on("retryRefund", ctx -> auth.staff(ctx)
        .compose(c -> refunds.retry(c, id(ctx, "refundId", "Refund"))).map(Reply::created));
  }
}
