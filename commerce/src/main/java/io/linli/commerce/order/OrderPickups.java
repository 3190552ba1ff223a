package io.linli.commerce.order;

import io.linli.core.error.Problem;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pickup-point half of writing orders, in the order rows' own transaction: an order for a point with a daily
 * capacity takes one of that point's places for its day ({@link NewOrder#pickupDay()}), by a conditional upsert
 * that PostgreSQL serialises per point and day, so a burst cannot overbook and no Redis counter can drift from
 * the record. A batch without such orders (every join to the store's counter, to a point without capacity, or
 * for delivery) runs no statement here. A cancelled order gives its place back by a trigger (V10).
 */
public final class OrderPickups {
  /**
   * Every (point, day) of a batch with its bags, in (point, day) order so that concurrent batches lock the rows
   * the same way round: a row is written only while its day stays within the point's capacity, so fewer rows than
   * pairs means some point is full.
   */
  static final String BOOK = "insert into pickup_point_bookings(pickup_point_id, day, bags)"
      + " select p, d, n from unnest($1::bigint[], $2::date[], $3::int[]) as b(p, d, n)"
      + " where n <= (select daily_capacity from pickup_points where id = p)"
      + " on conflict (pickup_point_id, day) do update set bags = pickup_point_bookings.bags + excluded.bags"
      + " where pickup_point_bookings.bags + excluded.bags"
      + " <= (select daily_capacity from pickup_points where id = excluded.pickup_point_id)";
  /**
   * A cancelled order made live again (a late payment) takes its place again: answers true when it has one, or
   * needs none (its point takes any number), false when the point's day is full.
   */
  static final String BOOK_AGAIN = "with o as (select pickup_point_id, pickup_booked_day from orders where id = $1),"
      + " booked as (insert into pickup_point_bookings(pickup_point_id, day, bags)"
      + "   select pickup_point_id, pickup_booked_day, 1 from o where pickup_booked_day is not null"
      + "   and 1 <= (select daily_capacity from pickup_points where id = o.pickup_point_id)"
      + "   on conflict (pickup_point_id, day) do update set bags = pickup_point_bookings.bags + 1"
      + "   where pickup_point_bookings.bags + 1"
      + "   <= (select daily_capacity from pickup_points where id = excluded.pickup_point_id) returning 1)"
      + " select (select pickup_booked_day from o) is null or exists (select 1 from booked)";

  private record PointDay(long pointId, LocalDate day) {}

  private static final Comparator<PointDay> ORDER = Comparator.comparingLong(PointDay::pointId)
      .thenComparing(PointDay::day);

  private OrderPickups() {}

  static Future<Void> book(SqlConnection tx, List<NewOrder> orders) {
    Map<PointDay, Integer> bags = new TreeMap<>(ORDER);
    for (NewOrder o : orders) {
      if (o.pickupDay() != null) {
        bags.merge(new PointDay(o.pickupPointId(), o.pickupDay()), 1, Integer::sum);
      }
    }
    if (bags.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Long> points = new ArrayList<>();
    List<LocalDate> days = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    bags.forEach((pd, n) -> {
      points.add(pd.pointId());
      days.add(pd.day());
      counts.add(n);
    });
    return tx.preparedQuery(BOOK)
        .execute(Tuple.of(points.toArray(Long[]::new), days.toArray(LocalDate[]::new), counts.toArray(Integer[]::new)))
        // In a batch of several, whichever point is full: the writer retries order by order, and then it is this one.
        .compose(rs -> rs.rowCount() == bags.size() ? Future.succeededFuture()
            : Future.failedFuture(full(bags.keySet().iterator().next().day())));
  }

  /** Inside the transaction that revives a cancelled order: does it (again) have its place at its point? */
  public static Future<Boolean> bookAgain(SqlConnection tx, long orderId) {
    return tx.preparedQuery(BOOK_AGAIN).execute(Tuple.of(orderId)).map(rows -> rows.iterator().next().getBoolean(0));
  }

  static Problem full(LocalDate day) {
    return new Problem(409, "pickup-point-full", "Pickup point full",
        "This pickup point takes no more bags for the deals closing on " + day
            + "; choose another point, or collect at the store.",
        List.of(new Problem.FieldError("pickupPointId", "is full for " + day)));
  }
}
