package io.linli.commerce.api;

import static io.linli.core.api.CoreRoutes.id;

import io.linli.commerce.fulfillment.FulfillmentService;
import io.linli.commerce.fulfillment.PickList;
import io.linli.commerce.fulfillment.PickupPointService;
import io.linli.commerce.order.OrderStatus;
import io.linli.core.auth.Auth;
import io.linli.core.error.Problem;
import io.linli.core.http.Api;
import io.linli.core.http.Reply;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** HTTP for getting bags to households: pickup points, pick lists, packing, dispatch, arrival, handover, codes. */
public final class FulfillmentRoutes {
  private final Auth auth;
  private final PickupPointService points;
  private final FulfillmentService fulfillment;
  private final PickList pickList;

  public FulfillmentRoutes(Auth auth, PickupPointService points, FulfillmentService fulfillment, PickList pickList) {
    this.auth = auth;
    this.points = points;
    this.fulfillment = fulfillment;
    this.pickList = pickList;
  }

  public void mount(Api api) {
    api.on("createPickupPoint", ctx -> {
      JsonObject b = Api.body(ctx);
      return auth.staff(ctx).compose(c -> points.create(c, id(ctx, "storeId", "Store"),
          new PickupPointService.NewPoint(b.getString("name"), b.getString("kind"), b.getString("address"),
              b.getString("openingHours"), b.getInteger("dailyCapacity"), b.getString("leaderId"))))
          .map(Reply::created);
    }).on("listPickupPoints", ctx -> auth.staff(ctx)
        .compose(c -> points.list(c, id(ctx, "storeId", "Store"))).map(Reply::ok)
    ).on("packOrder", ctx -> auth.staff(ctx)
        .compose(c -> fulfillment.pack(c, id(ctx, "orderId", "Order"))).map(Reply::ok)
    ).on("dispatchOrder", ctx -> auth.staff(ctx)
        .compose(c -> fulfillment.dispatch(c, id(ctx, "orderId", "Order"))).map(Reply::ok)
    ).on("arriveOrder", ctx -> auth.staff(ctx)
        .compose(c -> fulfillment.arrive(c, id(ctx, "orderId", "Order"))).map(Reply::ok)
    ).on("advanceDeal", this::advance
    ).on("handOver", ctx -> {
      JsonObject b = Api.body(ctx);
      // Staff of the store, or the leader hosting this point: the service tells them apart.
      return auth.caller(ctx).compose(c -> fulfillment.handOver(c, id(ctx, "pickupPointId", "Pickup point"),
          b.getString("code"))).map(Reply::ok);
    }).on("pickList", this::pickList)
        .on("pickupCodeQr", ctx -> auth.caller(ctx)
            .compose(c -> fulfillment.qr(c, id(ctx, "orderId", "Order")))
            .compose(png -> {
              ctx.response().putHeader("Content-Type", "image/png").putHeader("Cache-Control", "no-store")
                  .end(png);
              return Future.succeededFuture(Reply.ok(new JsonObject()));
            }));
  }

  private Future<Reply> advance(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    Long point = null;
    if (b.getString("pickupPointId") != null) {
      point = Ids.parse(b.getString("pickupPointId"));
      if (point < 0) {
        return Future.failedFuture(Problem.unprocessable("pickupPointId", "is not a pickup point"));
      }
    }
    Long pointId = point;
    return auth.staff(ctx).compose(c -> fulfillment.advanceAll(c, id(ctx, "dealId", "Deal"), pointId,
        OrderStatus.valueOf(b.getString("to")))).map(Reply::ok);
  }

  private Future<Reply> pickList(RoutingContext ctx) {
    long dealId = id(ctx, "dealId", "Deal");
    boolean csv = "csv".equals(ctx.request().getParam("format"));
    return auth.staff(ctx).compose(c -> {
      if (!csv) {
        return pickList.json(c, dealId).map(Reply::ok);
      }
      return pickList.csv(c, dealId)
          .map(text -> CsvDownload.send(ctx, "pick-list-" + Ids.toText(dealId) + ".csv", text));
    });
  }
}
