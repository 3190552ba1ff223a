package io.linli.commerce.api;

import static io.linli.core.api.CoreRoutes.id;

import io.linli.commerce.aftersales.AfterSalesSettingsService;
import io.linli.commerce.aftersales.ClaimService;
import io.linli.core.auth.Auth;
import io.linli.core.http.Api;
import io.linli.core.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.RequestParameter;

/** HTTP for after-sales: the store's rules, claims, their photos, and the leader's and staff's decisions. */
public final class AfterSalesRoutes {
  private final Auth auth;
  private final AfterSalesSettingsService settings;
  private final ClaimService claims;

  public AfterSalesRoutes(Auth auth, AfterSalesSettingsService settings, ClaimService claims) {
    this.auth = auth;
    this.settings = settings;
    this.claims = claims;
  }

  public void mount(Api api) {
    api.on("getAfterSalesSettings", ctx -> auth.staff(ctx)
        .compose(c -> settings.get(c, id(ctx, "storeId", "Store"))).map(Reply::ok)
    ).on("updateAfterSalesSettings", ctx -> {
      JsonObject b = Api.body(ctx);
      return auth.staff(ctx).compose(c -> settings.update(c, id(ctx, "storeId", "Store"),
          b.getInteger("claimWindowHours"), b.getLong("leaderLimitFen"), b.getInteger("photoMaxBytes")))
          .map(Reply::ok);
    }).on("openClaim", this::open)
        .on("listOrderClaims", ctx -> auth.caller(ctx)
            .compose(c -> claims.forOrder(c, id(ctx, "orderId", "Order"))).map(Reply::ok))
        .on("listStoreClaims", ctx -> auth.staff(ctx)
            .compose(c -> claims.forStore(c, id(ctx, "storeId", "Store"), ctx.request().getParam("status")))
            .map(Reply::ok))
        .on("leaderClaims", ctx -> auth.leader(ctx)
            .compose(c -> claims.forLeader(c, ctx.request().getParam("status"))).map(Reply::ok))
        .on("getClaim", ctx -> auth.caller(ctx)
            .compose(c -> claims.get(c, id(ctx, "claimId", "Claim"))).map(Reply::ok))
        .on("claimPhoto", this::photo)
        .on("compensateClaim", ctx -> {
          JsonObject b = Api.body(ctx);
          return auth.leader(ctx).compose(c -> claims.compensate(c, id(ctx, "claimId", "Claim"),
              b.getLong("amountFen"), b.getString("note"))).map(Reply::ok);
        })
        .on("escalateClaim", ctx -> {
          JsonObject b = optionalBody(ctx);
          return auth.leader(ctx).compose(c -> claims.escalate(c, id(ctx, "claimId", "Claim"), b.getString("note")))
              .map(Reply::ok);
        })
        .on("approveClaim", ctx -> {
          JsonObject b = Api.body(ctx);
          return auth.staff(ctx).compose(c -> claims.approve(c, id(ctx, "claimId", "Claim"),
              b.getLong("amountFen"), b.getString("note"))).map(Reply::ok);
        })
        .on("denyClaim", ctx -> {
          JsonObject b = Api.body(ctx);
          return auth.staff(ctx).compose(c -> claims.deny(c, id(ctx, "claimId", "Claim"), b.getString("reason")))
              .map(Reply::ok);
        });
  }

  private Future<Reply> open(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    ClaimService.NewClaim claim = new ClaimService.NewClaim(ClaimService.Reason.valueOf(b.getString("reason")),
        b.getString("note"), b.getLong("requestedFen"), b.getString("photoBase64"));
    return auth.caller(ctx).compose(c -> claims.open(c, id(ctx, "orderId", "Order"), claim)).map(Reply::created);
  }

  private Future<Reply> photo(RoutingContext ctx) {
    return auth.caller(ctx).compose(c -> claims.photo(c, id(ctx, "claimId", "Claim"))).map(p -> {
      // The bytes were checked when uploaded; nosniff keeps a browser from reading them as anything else.
      ctx.response().putHeader("Content-Type", p.contentType()).putHeader("Cache-Control", "private, no-store")
          .putHeader("X-Content-Type-Options", "nosniff").end(p.bytes());
      return Reply.ok(new JsonObject());
    });
  }

  private static JsonObject optionalBody(RoutingContext ctx) {
    RequestParameter body = Api.validated(ctx).getBody();
    return body == null || body.isNull() ? new JsonObject() : body.getJsonObject();
  }
}
