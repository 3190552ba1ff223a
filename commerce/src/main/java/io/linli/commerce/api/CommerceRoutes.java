package io.linli.commerce.api;

import static io.linli.core.api.CoreRoutes.id;

import io.linli.commerce.catalog.ProductService;
import io.linli.commerce.deal.CountBy;
import io.linli.commerce.delivery.DeliveryRequest;
import io.linli.commerce.deal.DealService;
import io.linli.commerce.deal.JoinService;
import io.linli.commerce.deal.LeaveService;
import io.linli.commerce.deal.Tier;
import io.linli.commerce.order.OrderService;
import io.linli.core.auth.Auth;
import io.linli.core.error.Problem;
import io.linli.core.http.Api;
import io.linli.core.http.Reply;
import io.linli.core.id.Ids;
import io.linli.core.time.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/** HTTP for commerce: products, deals, joins, orders. */
public final class CommerceRoutes {
  private final Auth auth;
  private final ProductService products;
  private final DealService deals;
  private final JoinService joins;
  private final OrderService orders;
  private final LeaveService leaves;

  public CommerceRoutes(Auth auth, ProductService products, DealService deals, JoinService joins,
      LeaveService leaves, OrderService orders) {
    this.leaves = leaves;
    this.auth = auth;
    this.products = products;
    this.deals = deals;
    this.joins = joins;
    this.orders = orders;
  }

  public void mount(Api api) {
    api.on("createProduct", this::createProduct)
        .on("createDeal", this::createDeal)
        .on("getDeal", ctx -> deals.get(id(ctx, "dealId", "Deal")).map(Reply::ok))
        .on("pauseDeal", ctx -> auth.staff(ctx).compose(c -> deals.pause(c, id(ctx, "dealId", "Deal")))
            .map(Reply::ok))
        .on("resumeDeal", ctx -> auth.staff(ctx).compose(c -> deals.resume(c, id(ctx, "dealId", "Deal")))
            .map(Reply::ok))
        .on("closeDeal", ctx -> auth.staff(ctx).compose(c -> deals.closeNow(c, id(ctx, "dealId", "Deal")))
            .map(Reply::ok))
        .on("joinDeal", this::join)
        .on("cancelOrder", ctx -> auth.caller(ctx)
            .compose(c -> leaves.leave(c, id(ctx, "orderId", "Order"))).map(Reply::ok))
        .on("getOrder", ctx -> auth.caller(ctx)
            .compose(c -> orders.page(c, id(ctx, "orderId", "Order"))).map(Reply::ok));
  }

  private Future<Reply> createProduct(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    long storeId = id(ctx, "storeId", "Store");
    return auth.staff(ctx)
        .compose(c -> products.create(c, storeId, new ProductService.NewProduct(b.getString("name"),
            b.getLong("priceFen"), b.getInteger("stock"), b.getString("unit"), b.getString("imageUrl"),
            b.getString("description"))))
        .map(Reply::created);
  }

  private Future<Reply> createDeal(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    long streamId = id(ctx, "streamId", "Stream");
    long productId = Ids.parse(b.getString("productId"));
    if (productId < 0) {
      return Future.failedFuture(Problem.unprocessable("productId", "is not a product of this store"));
    }
    List<Tier> tiers = new ArrayList<>();
    b.getJsonArray("tiers", new JsonArray()).forEach(t -> tiers.add(new Tier(((JsonObject) t).getInteger("minCount"),
        ((JsonObject) t).getLong("priceFen"))));
    DealService.NewDeal deal = new DealService.NewDeal(productId, b.getLong("groupPriceFen"),
        b.getInteger("threshold"), CountBy.valueOf(b.getString("countBy")), b.getInteger("stock"),
        b.getInteger("perBuyerLimit"), b.getInteger("maxPerOrder"),
        b.getString("opensAt") == null ? null : Times.parse("opensAt", b.getString("opensAt")),
        Times.parse("endsAt", b.getString("endsAt")), tiers);
    return auth.staff(ctx).compose(c -> deals.create(c, streamId, deal)).map(Reply::created);
  }

  private Future<Reply> join(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    long dealId = id(ctx, "dealId", "Deal");
    JoinService.JoinRequest req = new JoinService.JoinRequest(dealId, b.getInteger("quantity"),
        Api.header(ctx, "Idempotency-Key"), b.getString("ref"), b.getString("pickupPointId"),
        DeliveryRequest.from(b.getJsonObject("delivery")));
    return auth.caller(ctx).compose(c -> joins.join(c, req)).map(Reply::created);
  }
}
