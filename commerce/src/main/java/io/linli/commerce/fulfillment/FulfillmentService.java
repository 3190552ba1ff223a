package io.linli.commerce.fulfillment;

import io.linli.commerce.order.OrderService;
import io.linli.commerce.order.OrderStatus;
import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.EnumSet;

/**
 * The morning after the stream: bags are packed per pickup point, taken there, and handed over against the
 * household's pickup code. Staff of the store do each step; each is a recorded transition.
 */
public final class FulfillmentService {
  private static final int CODE_DRAWS = 5;

  private final Platform platform;
  private final StoreService stores;
  private final OrderService orders;
  private final PickupPointService points;
  private final PickupCodes codes;

  public FulfillmentService(Platform platform, StoreService stores, OrderService orders, PickupPointService points) {
    this.platform = platform;
    this.stores = stores;
    this.orders = orders;
    this.points = points;
    this.codes = new PickupCodes(platform.redis());
  }

  public Future<JsonObject> pack(Caller caller, long orderId) {
    return staffOfOrder(caller, orderId).compose(order -> platform.pool().withTransaction(tx ->
            OrderTransitions.move(tx, orderId, EnumSet.of(OrderStatus.CONFIRMED), OrderStatus.PACKED, caller,
                "packed", null, null)))
        .compose(x -> orders.find(orderId))
        .map(OrderService::toJson);
  }

  /**
   * The bag is on the run to a leader's home or a locker ("on its way to <point>"); it arrives there next. Nothing
   * travels to the store's own counter (its bags arrive straight from PACKED), and a delivery goes out instead.
   */
  public Future<JsonObject> dispatch(Caller caller, long orderId) {
    return staffOfOrder(caller, orderId)
        .compose(order -> order.getLong("pickup_point_id") == null ? Future.failedFuture(notAPickup())
            : points.point(order.getLong("pickup_point_id")))
        .compose(point -> point.isCounter()
            ? Future.failedFuture(Problem.conflict("order-status", "Collected at the store's counter",
                "Nothing travels to the store's own counter; mark the bag arrived instead."))
            : platform.pool().withTransaction(tx -> OrderTransitions.move(tx, orderId,
                EnumSet.of(OrderStatus.PACKED), OrderStatus.DISPATCHED, caller, "on its way to " + point.name(),
                null, null)))
        .compose(x -> orders.find(orderId))
        .map(OrderService::toJson);
  }

  /** The bag is at its pickup point (from the run, or packed at the counter): the household gets a code. */
  public Future<JsonObject> arrive(Caller caller, long orderId) {
    return staffOfOrder(caller, orderId).compose(order -> order.getLong("pickup_point_id") == null
            ? Future.failedFuture(notAPickup())
            : arriveWithCode(caller, orderId, CODE_DRAWS))
        .compose(x -> orders.find(orderId))
        .map(OrderService::toJson);
  }

  private static Problem notAPickup() {
    return Problem.conflict("order-status", "A delivery, not a pickup",
        "This order is delivered to the door; send it out for delivery instead.");
  }

  private Future<Row> arriveWithCode(Caller caller, long orderId, int drawsLeft) {
    return platform.pool().withTransaction(tx -> OrderTransitions.move(tx, orderId,
            EnumSet.of(OrderStatus.PACKED, OrderStatus.DISPATCHED), OrderStatus.AT_PICKUP_POINT, caller,
            "arrived at pickup point", "pickup_code", PickupCodes.draw()))
        // Two bags at one point drew the same code: draw again.
        .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState()) && drawsLeft > 1
            ? arriveWithCode(caller, orderId, drawsLeft - 1) : Future.failedFuture(e));
  }

  /**
   * Every order of the deal at {@code pointId} (or at every point) one step on: CONFIRMED→PACKED (delivered bags
   * too), PACKED→DISPATCHED (bags for leaders' homes and lockers), or PACKED/DISPATCHED→arrived (pickup bags).
   * Orders already past the step are left alone, so the same call again moves nothing.
   */
  public Future<JsonObject> advanceAll(Caller caller, long dealId, Long pointId, OrderStatus to) {
    String[] from = switch (to) {
      case PACKED -> new String[] {OrderStatus.CONFIRMED.name()};
      case DISPATCHED -> new String[] {OrderStatus.PACKED.name()};
      case AT_PICKUP_POINT -> new String[] {OrderStatus.PACKED.name(), OrderStatus.DISPATCHED.name()};
      default -> null;
    };
    if (from == null) {
      return Future.failedFuture(Problem.validation("to", "must be PACKED, DISPATCHED or AT_PICKUP_POINT"));
    }
    String which = switch (to) {
      case PACKED -> "";
      // Only bags for pickup points arrive at one; delivered orders go out for delivery instead.
      case AT_PICKUP_POINT -> " and pickup_point_id is not null";
      // Nothing travels to the store's own counter.
      default -> " and pickup_point_id in (select id from pickup_points where kind <> 'STORE')";
    };
    return staffOfDeal(caller, dealId)
        .compose(store -> platform.pool().preparedQuery("select id from orders where deal_id = $1"
                + " and status = any($2) and ($3::bigint is null or pickup_point_id = $3)" + which + " order by id")
            .execute(Tuple.of(dealId, from, pointId)))
        .compose(rows -> {
          Future<Integer> done = Future.succeededFuture(0);
          for (Row r : rows) {
            long id = r.getLong(0);
            done = done.compose(n -> step(caller, id, to).map(n + 1));
          }
          return done;
        })
        .map(n -> new JsonObject().put("moved", n).put("status", to.name()));
  }

  private Future<JsonObject> step(Caller caller, long orderId, OrderStatus to) {
    return switch (to) {
      case PACKED -> pack(caller, orderId);
      case DISPATCHED -> dispatch(caller, orderId);
      default -> arrive(caller, orderId);
    };
  }

  /** The counter (or the leader at home, for their own point) types or scans the household's code. */
  public Future<JsonObject> handOver(Caller caller, long pointId, String code) {
    return points.storeOf(pointId)
        .compose(store -> store == null ? Future.failedFuture(Problem.notFound("Pickup point", Ids.toText(pointId)))
            : mayHandOverAt(caller, store, pointId))
        .compose(x -> codes.allowTry(pointId))
        .compose(x -> platform.pool().withTransaction(tx -> tx
            // Only a waiting bag or one already handed over can answer a code; naming both lets the lookup use
            // orders_by_point, which holds only bags on their way to a point or past it.
            .preparedQuery("select id, status from orders where pickup_point_id = $1 and pickup_code = $2"
                + " and status in ('AT_PICKUP_POINT', 'COMPLETED')"
                + " order by (status = 'AT_PICKUP_POINT') desc, updated_at desc limit 1")
            .execute(Tuple.of(pointId, code))
            .compose(rows -> {
              Row match = rows.size() == 0 ? null : rows.iterator().next();
              if (match != null && "AT_PICKUP_POINT".equals(match.getString("status"))) {
                return OrderTransitions.move(tx, match.getLong("id"), EnumSet.of(OrderStatus.AT_PICKUP_POINT),
                    OrderStatus.COMPLETED, caller, "handed over", null, null).map(row -> row.getLong("id"));
              }
              if (match != null && "COMPLETED".equals(match.getString("status"))) {
                return Future.failedFuture(Problem.conflict("code-used", "Code already used",
                    "This code's bag was already handed over."));
              }
              return Future.<Long>failedFuture(Problem.unprocessable("code", "matches no bag waiting here"));
            })))
        .compose(orderId -> orders.find(orderId))
        .map(OrderService::toJson)
        .recover(e -> e instanceof Problem p && p.status() == 422
            ? codes.wrongTry(pointId).compose(x -> Future.failedFuture(e)) : Future.failedFuture(e));
  }

  /** The store's staff at any of its points; a leader only at a point they host. */
  private Future<Void> mayHandOverAt(Caller caller, long storeId, long pointId) {
    if (caller.isLeader()) {
      return points.leaderOf(pointId).compose(leader -> leader != null && leader == caller.id()
          ? Future.succeededFuture()
          : Future.failedFuture(Problem.forbidden("Only the leader hosting this pickup point may hand over here.")));
    }
    return stores.requireStaff(caller, storeId).mapEmpty();
  }

  /** The household's code as a QR image, for its own phone only, while the bag waits. */
  public Future<Buffer> qr(Caller caller, long orderId) {
    return orders.find(orderId).compose(order -> {
      if (order == null) {
        return Future.failedFuture(Problem.notFound("Order", Ids.toText(orderId)));
      }
      if (!caller.isViewer() || order.getLong("viewer_id") != caller.id()) {
        return Future.failedFuture(Problem.forbidden("Only the household may show its pickup code."));
      }
      if (!"AT_PICKUP_POINT".equals(order.getString("status"))
          && !"OUT_FOR_DELIVERY".equals(order.getString("status"))) {
        return Future.failedFuture(Problem.conflict("no-pickup-code", "Not ready for pickup",
            "The order is " + order.getString("status") + "; a code comes when the bag reaches its pickup point"
                + " or goes out for delivery."));
      }
      String code = order.getString("pickup_code");
      return platform.vertx().executeBlocking(() -> QrCodes.png(code), false);
    });
  }

  Future<Row> staffOfOrder(Caller caller, long orderId) {
    return orders.find(orderId).compose(order -> order == null
        ? Future.failedFuture(Problem.notFound("Order", Ids.toText(orderId)))
        : stores.requireStaff(caller, order.getLong("store_id")).map(order));
  }

  Future<Long> staffOfDeal(Caller caller, long dealId) {
    return platform.pool().preparedQuery("select store_id from deals where id = $1").execute(Tuple.of(dealId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(Problem.notFound("Deal", Ids.toText(dealId)))
            : stores.requireStaff(caller, rows.iterator().next().getLong(0)).map(rows.iterator().next().getLong(0)));
  }

}
