-- Delivery to the door: per-store zones (a list of communities, or a radius around a point) with a fee and time
-- slots. An order is either collected at a pickup point or delivered; a delivered one travels
-- CONFIRMED -> PACKED -> OUT_FOR_DELIVERY -> COMPLETED, handed over against the household's 6-digit code.
create table delivery_zones (
  id             bigint primary key,
  store_id       bigint not null references stores(id),
  name           text not null,
  kind           text not null check (kind in ('COMMUNITIES', 'RADIUS')),
  communities    text[],
  center_lat     double precision check (center_lat between -90 and 90),
  center_lng     double precision check (center_lng between -180 and 180),
  radius_m       integer check (radius_m > 0),
  fee_fen        bigint not null check (fee_fen >= 0),
  free_from_fen  bigint check (free_from_fen >= 0),
  active         boolean not null default true,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  check ((kind = 'COMMUNITIES' and communities is not null and radius_m is null)
      or (kind = 'RADIUS' and center_lat is not null and center_lng is not null and radius_m is not null))
);
create index delivery_zones_by_store on delivery_zones(store_id) where active;

-- ASAP: "within N-M minutes" after the order is confirmed. WINDOW: a window of every day in the store's time
-- zone. A slot dropped from its zone is kept inactive: orders and bookings refer to it.
create table delivery_slots (
  id           bigint primary key,
  zone_id      bigint not null references delivery_zones(id),
  kind         text not null check (kind in ('ASAP', 'WINDOW')),
  min_minutes  integer check (min_minutes >= 0),
  max_minutes  integer,
  starts_at    time,
  ends_at      time,
  capacity     integer check (capacity >= 1),
  active       boolean not null default true,
  check ((kind = 'ASAP' and min_minutes is not null and max_minutes > min_minutes and starts_at is null)
      or (kind = 'WINDOW' and starts_at is not null and ends_at > starts_at and min_minutes is null))
);
create index delivery_slots_by_zone on delivery_slots(zone_id);

-- Orders taken per slot and day, only for slots with a capacity. Taken by a conditional update in the same
-- transaction as the order row, so concurrent joins cannot overbook; given back when the order is cancelled.
create table delivery_slot_bookings (
  slot_id  bigint not null references delivery_slots(id),
  day      date not null,
  orders   integer not null check (orders >= 0),
  primary key (slot_id, day)
);

-- Where a delivered order goes. A pickup order has no row here.
create table order_deliveries (
  order_id       bigint primary key references orders(id),
  zone_id        bigint not null references delivery_zones(id),
  slot_id        bigint not null references delivery_slots(id),
  slot_day       date,
  booked_day     date,
  address        text not null,
  community      text,
  latitude       double precision,
  longitude      double precision,
  contact_phone  text
);
create index order_deliveries_by_slot on order_deliveries(slot_id, slot_day);

-- The fee is its own part of what the buyer pays: amount_fen = goods + delivery_fee_fen. A lower tier price
-- changes only the goods.
alter table orders add column delivery_fee_fen bigint not null default 0 check (delivery_fee_fen >= 0);

alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check
  check (status in ('PENDING_PAYMENT', 'PLACED', 'PAID', 'CONFIRMED', 'PACKED', 'AT_PICKUP_POINT',
                    'OUT_FOR_DELIVERY', 'COMPLETED', 'CANCELLED', 'REFUNDED'));

-- A cancelled delivery order gives its place in the slot back.
create function release_delivery_booking() returns trigger language plpgsql as $$
begin
  update delivery_slot_bookings b set orders = b.orders - 1
  from order_deliveries d
  where d.order_id = new.id and d.booked_day is not null and b.slot_id = d.slot_id and b.day = d.booked_day
    and b.orders > 0;
  return new;
end $$;

create trigger orders_release_delivery_booking after update of status on orders
  for each row when (new.status = 'CANCELLED' and old.status is distinct from new.status
                     and old.pickup_point_id is null)
  execute function release_delivery_booking();
