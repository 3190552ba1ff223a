package io.linli.commerce.fulfillment;

import io.linli.commerce.order.OrderService;
import io.linli.commerce.order.OrderStatus;
import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;

/**
 * A delivered order's last steps: the packed bag goes out with a courier (the household is given its 6-digit
 * code then), and at the door the courier types that code, or staff mark it delivered. The code machinery and
 * its limit of wrong tries are the pickup points' own, counted per order.
 */
public final class DeliveryHandover {
  private final Platform platform;
  private final OrderService orders;
  private final FulfillmentService fulfillment;
  private final PickupCodes codes;

  public DeliveryHandover(Platform platform, OrderService orders, FulfillmentService fulfillment) {
    this.platform = platform;
    this.orders = orders;
    this.fulfillment = fulfillment;
    this.codes = new PickupCodes(platform.redis());
  }

  public Future<JsonObject> outForDelivery(Caller caller, long orderId) {
    return deliveryOrder(caller, orderId)
        .compose(order -> platform.pool().withTransaction(tx -> OrderTransitions.move(tx, orderId,
            EnumSet.of(OrderStatus.PACKED), OrderStatus.OUT_FOR_DELIVERY, caller, "out for delivery", "pickup_code",
            PickupCodes.draw())))
        .compose(x -> orders.find(orderId))
        .map(OrderService::toJson);
  }

  /** With the household's code: checked, wrong tries counted. Without: staff vouch for the handover. */
  public Future<JsonObject> delivered(Caller caller, long orderId, String code) {
    Future<Row> order = deliveryOrder(caller, orderId);
    Future<Row> checked = code == null ? order
        : order.compose(o -> codes.allowDeliveryTry(orderId).compose(x -> check(o, code)))
            .recover(e -> e instanceof Problem p && p.status() == 422
                ? codes.wrongDeliveryTry(orderId).compose(x -> Future.failedFuture(e)) : Future.failedFuture(e));
    String reason = code == null ? "marked delivered by staff" : "handed over at the door against the code";
    return checked
        .compose(o -> platform.pool().withTransaction(tx -> OrderTransitions.move(tx, orderId,
            EnumSet.of(OrderStatus.OUT_FOR_DELIVERY), OrderStatus.COMPLETED, caller, reason, null, null)))
        .compose(x -> orders.find(orderId))
        .map(OrderService::toJson);
  }

  private static Future<Row> check(Row order, String code) {
    String status = order.getString("status");
    if ("COMPLETED".equals(status)) {
      return Future.failedFuture(Problem.conflict("code-used", "Code already used",
          "This order was already handed over."));
    }
    if (!"OUT_FOR_DELIVERY".equals(status)) {
      return Future.failedFuture(Problem.conflict("order-status", "Order status does not allow this",
          "The order is " + status + "; it can be handed over once it is out for delivery."));
    }
    String issued = order.getString("pickup_code");
    return issued != null && MessageDigest.isEqual(issued.getBytes(StandardCharsets.US_ASCII),
        code.getBytes(StandardCharsets.US_ASCII)) ? Future.succeededFuture(order)
        : Future.failedFuture(Problem.unprocessable("code", "does not match this delivery"));
  }

  private Future<Row> deliveryOrder(Caller caller, long orderId) {
    return fulfillment.staffOfOrder(caller, orderId).compose(order -> order.getLong("pickup_point_id") != null
        ? Future.failedFuture(Problem.conflict("order-status", "A pickup, not a delivery",
            "This order is collected at its pickup point; it does not go out for delivery."))
        : Future.succeededFuture(order));
  }
}
