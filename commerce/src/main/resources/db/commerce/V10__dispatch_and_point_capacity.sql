-- Two steps of getting bags to households that the store really takes.
--
-- Dispatch: a bag for a leader's home or a locker goes on the run (DISPATCHED, "on its way to <point>") and
-- then arrives there: PACKED -> DISPATCHED -> AT_PICKUP_POINT. PACKED -> AT_PICKUP_POINT stays (the store's own
-- counter, where nothing travels). The change is recorded, queued for the webhook and rung to the buyer by the
-- existing triggers (V5, V6, V9), like every change.
alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check
  check (status in ('PENDING_PAYMENT', 'PLACED', 'PAID', 'CONFIRMED', 'PACKED', 'DISPATCHED', 'AT_PICKUP_POINT',
                    'OUT_FOR_DELIVERY', 'COMPLETED', 'CANCELLED', 'REFUNDED'));

-- Daily capacity: a point with daily_capacity takes at most that many bags (orders) per day, the day being the
-- store-local date of the deal's ends_at (the bags of deals closing that day go out together the next morning).
-- Taken by a conditional upsert in the order's own transaction (one row per point and day, so concurrent joins
-- queue on it and never overbook); only orders for such points have a pickup_booked_day, the rest never touch
-- this table.
create table pickup_point_bookings (
  pickup_point_id  bigint not null references pickup_points(id),
  day              date not null,
  bags             integer not null check (bags >= 0),
  primary key (pickup_point_id, day)
);

alter table orders add column pickup_booked_day date;

-- A cancelled order gives its place back (a refund always follows a cancellation, so this covers it too). A
-- late payment that revives the order takes a place again with the same conditional upsert, or is refunded.
create function release_pickup_booking() returns trigger language plpgsql as $$
begin
  update pickup_point_bookings set bags = bags - 1
  where pickup_point_id = new.pickup_point_id and day = new.pickup_booked_day and bags > 0;
  return new;
end $$;

create trigger orders_release_pickup_booking after update of status on orders
  for each row when (new.status = 'CANCELLED' and old.status is distinct from new.status
                     and old.pickup_booked_day is not null)
  execute function release_pickup_booking();
