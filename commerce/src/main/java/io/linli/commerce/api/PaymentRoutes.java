package io.linli.commerce.api;

import static io.linli.core.api.CoreRoutes.id;

import io.linli.commerce.order.PaymentMode;
import io.linli.commerce.order.PaymentSettingsService;
import io.linli.commerce.payment.PaymentService;
import io.linli.core.auth.Auth;
import io.linli.core.http.Api;
import io.linli.core.http.Reply;
import io.vertx.core.json.JsonObject;

/** HTTP for paying: a store's payment settings, starting a payment, and the provider's notifications. */
public final class PaymentRoutes {
  private final Auth auth;
  private final PaymentSettingsService settings;
  private final PaymentService payments;

  public PaymentRoutes(Auth auth, PaymentSettingsService settings, PaymentService payments) {
    this.auth = auth;
    this.settings = settings;
    this.payments = payments;
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
        .map(x -> Reply.ok(new JsonObject().put("code", "SUCCESS"))));
  }
}
