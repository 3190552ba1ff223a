package io.linli.commerce.fulfillment;

import io.linli.commerce.order.OrderStatus;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Set;

/**
 * The one way fulfillment moves an order: a conditional update from the statuses that may lead to the
 * target, naming who and why (the database's trigger records the event). Anything else is a 409 that says
 * where the order is, never a silent change.
 */
final class OrderTransitions {
  private OrderTransitions() {}

  static Future<Row> move(SqlConnection tx, long orderId, Set<OrderStatus> from, OrderStatus to, Caller actor,
      String reason, String extraSet, Object extraValue) {
    String set = "status = $2, updated_at = now()" + (extraSet == null ? "" : ", " + extraSet + " = $4");
    Tuple args = Tuple.of(orderId, to.name(), from.stream().map(Enum::name).toArray(String[]::new));
    if (extraSet != null) {
      args.addValue(extraValue);
    }
    return tx.preparedQuery("select set_config('linli.actor_kind', $1, true), set_config('linli.actor_id', $2, true),"
            + " set_config('linli.reason', $3, true)")
        .execute(Tuple.of(actor.kind().name(), Long.toString(actor.id()), reason))
        .compose(x -> tx.preparedQuery("update orders set " + set + " where id = $1 and status = any($3)"
            + " returning *").execute(args))
        .compose(rows -> rows.size() == 1 ? Future.succeededFuture(rows.iterator().next())
            : tx.preparedQuery("select status from orders where id = $1").execute(Tuple.of(orderId))
                .compose(now -> Future.failedFuture(now.size() == 0
                    ? Problem.notFound("Order", Ids.toText(orderId))
                    : Problem.conflict("order-status", "Order status does not allow this",
                        "The order is " + now.iterator().next().getString(0) + " and cannot become " + to + "."))));
  }
}
