package io.linli.commerce.order;

import io.linli.core.error.Problem;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Comparator;
import java.util.List;

/**
 * The delivery half of writing orders, in the order rows' own transaction: each delivered order takes its place
 * in a slot with capacity (a conditional update that PostgreSQL serialises per slot and day, so a burst cannot
 * overbook) and records where it goes. Pickup orders pass through untouched. A cancelled order gives its place
 * back by a trigger (V7); a late payment that revives it takes one again ({@link #bookAgain}).
 */
public final class OrderDeliveries {
  static final String BOOK = "insert into delivery_slot_bookings(slot_id, day, orders)"
      + " select s.id, $2, 1 from delivery_slots s where s.id = $1 and s.capacity >= 1"
      + " on conflict (slot_id, day) do update set orders = delivery_slot_bookings.orders + 1"
      + " where delivery_slot_bookings.orders < (select capacity from delivery_slots where id = excluded.slot_id)";
  /**
   * A cancelled delivery order made live again (a late payment) takes its place in its slot's day again, with the
   * same conditional upsert as a join: answers true when it has one, or needs none (a pickup order, a slot without
   * capacity), false when the slot is full that day.
   */
  static final String BOOK_AGAIN = "with d as (select d.slot_id, d.booked_day, s.capacity from order_deliveries d"
      + "   join delivery_slots s on s.id = d.slot_id where d.order_id = $1 and d.booked_day is not null),"
      + " booked as (insert into delivery_slot_bookings(slot_id, day, orders)"
      + "   select slot_id, booked_day, 1 from d where capacity >= 1"
      + "   on conflict (slot_id, day) do update set orders = delivery_slot_bookings.orders + 1"
      + "   where delivery_slot_bookings.orders < (select capacity from delivery_slots where id = excluded.slot_id)"
      + "   returning 1)"
      + " select not exists (select 1 from d where capacity is not null) or exists (select 1 from booked)";
  static final String INSERT = "insert into order_deliveries(order_id, zone_id, slot_id, slot_day, booked_day,"
      + " address, community, latitude, longitude, contact_phone) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

  private OrderDeliveries() {}

  static Future<Void> write(SqlConnection tx, List<NewOrder> orders) {
    List<NewOrder> delivered = orders.stream().filter(o -> o.delivery() != null).toList();
    if (delivered.isEmpty()) {
      return Future.succeededFuture();
    }
    // Slots in one order, so two batches booking the same slots lock them the same way round.
    List<NewOrder> booking = delivered.stream().filter(o -> o.delivery().bookedDay() != null)
        .sorted(Comparator.comparingLong((NewOrder o) -> o.delivery().slotId())
            .thenComparing(o -> o.delivery().bookedDay()))
        .toList();
    Future<Void> booked = Future.succeededFuture();
    for (NewOrder o : booking) {
      booked = booked.compose(x -> tx.preparedQuery(BOOK)
          .execute(Tuple.of(o.delivery().slotId(), o.delivery().bookedDay()))
          .compose(rs -> rs.rowCount() == 1 ? Future.succeededFuture()
              : Future.failedFuture(Problem.conflict("slot-full", "Delivery slot full",
                  "This delivery slot is full on " + o.delivery().bookedDay()
                      + "; choose another slot or day, or collect at a pickup point."))));
    }
    List<Tuple> rows = delivered.stream().map(o -> {
      OrderDelivery d = o.delivery();
      return Tuple.from(new Object[] {o.id(), d.zoneId(), d.slotId(), d.slotDay(), d.bookedDay(), d.address(),
          d.community(), d.latitude(), d.longitude(), d.contactPhone()});
    }).toList();
    return booked.compose(x -> tx.preparedQuery(INSERT).executeBatch(rows)).mapEmpty();
  }

  /** Inside the transaction that revives a cancelled order: does it (again) have its place in its slot? */
  public static Future<Boolean> bookAgain(SqlConnection tx, long orderId) {
    return tx.preparedQuery(BOOK_AGAIN).execute(Tuple.of(orderId)).map(rows -> rows.iterator().next().getBoolean(0));
  }
}
