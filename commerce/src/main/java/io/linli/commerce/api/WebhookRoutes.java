package io.linli.commerce.api;

import static io.linli.core.api.CoreRoutes.id;

import io.linli.commerce.webhook.WebhookService;
import io.linli.core.auth.Auth;
import io.linli.core.http.Api;
import io.linli.core.http.Reply;

/** HTTP for a store's webhook and its delivery log. */
public final class WebhookRoutes {
  private final Auth auth;
  private final WebhookService webhooks;

  public WebhookRoutes(Auth auth, WebhookService webhooks) {
    this.auth = auth;
    this.webhooks = webhooks;
  }

  public void mount(Api api) {
    api.on("setWebhook", ctx -> auth.staff(ctx)
            .compose(c -> webhooks.set(c, id(ctx, "storeId", "Store"), Api.body(ctx).getString("url")))
            .map(Reply::ok))
        .on("webhookDeliveries", ctx -> auth.staff(ctx)
            .compose(c -> webhooks.deliveries(c, id(ctx, "storeId", "Store"))).map(Reply::ok));
  }
}
