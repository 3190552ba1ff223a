package io.linli.commerce.api;

import static io.linli.core.api.CoreRoutes.id;

import io.linli.commerce.order.StoreOrders;
import io.linli.core.auth.Auth;
import io.linli.core.error.Problem;
import io.linli.core.http.Reply;
import io.linli.core.http.Api;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** HTTP for the store's order views: the filtered list, the daily summary, and the store's refunds. */
public final class StoreOrderRoutes {
  private final Auth auth;
  private final StoreOrders orders;

  public StoreOrderRoutes(Auth auth, StoreOrders orders) {
    this.auth = auth;
    this.orders = orders;
  }

  public void mount(Api api) {
    api.on("listStoreOrders", this::list)
        .on("storeSummary", ctx -> auth.staff(ctx)
            .compose(c -> orders.summary(c, id(ctx, "storeId", "Store"), day(ctx))).map(Reply::ok))
        .on("listStoreRefunds", ctx -> auth.staff(ctx)
            .compose(c -> orders.refunds(c, id(ctx, "storeId", "Store"), ctx.request().getParam("status"),
                idParam(ctx, "before"), Integer.parseInt(ctx.request().getParam("limit", "50"))))
            .map(Reply::ok));
  }

  private Future<Reply> list(RoutingContext ctx) {
    StoreOrders.Filter filter = new StoreOrders.Filter(idParam(ctx, "dealId"), ctx.request().getParam("status"),
        idParam(ctx, "pickupPointId"), day(ctx), ctx.request().getParam("phoneTail"),
        ctx.request().getParam("pickupCode"), idParam(ctx, "before"),
        Integer.parseInt(ctx.request().getParam("limit", "50")), ctx.request().getParam("fulfillment"),
        idParam(ctx, "slotId"));
    return auth.staff(ctx).compose(c -> orders.find(c, id(ctx, "storeId", "Store"), filter)).map(Reply::ok);
  }

  private static Long idParam(RoutingContext ctx, String name) {
    String text = ctx.request().getParam(name);
    if (text == null) {
      return null;
    }
    long id = Ids.parse(text);
    if (id < 0) {
      throw Problem.validation(name, "is not an id");
    }
    return id;
  }

  private static LocalDate day(RoutingContext ctx) {
    String text = ctx.request().getParam("date");
    try {
      return text == null ? null : LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw Problem.validation("date", "must be a day like 2026-11-25");
    }
  }
}
