-- Where households collect their bags, and the way an order travels there: packed, at the pickup point,
-- handed over against a 6-digit code. Every status change of an order is recorded (who, when, why).
create table pickup_points (
  id              bigint primary key,
  store_id        bigint not null references stores(id),
  name            text not null,
  kind            text not null check (kind in ('STORE', 'LEADER_HOME', 'LOCKER')),
  address         text not null,
  opening_hours   text,
  daily_capacity  integer check (daily_capacity >= 1),
  created_at      timestamptz not null default now()
);
create index pickup_points_by_store on pickup_points(store_id);
-- One "the store itself" point per store, made on first use.
create unique index pickup_points_one_store_counter on pickup_points(store_id) where kind = 'STORE';

alter table orders add column pickup_point_id bigint references pickup_points(id);
alter table orders add column pickup_code text;
alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check
  check (status in ('PENDING_PAYMENT', 'PLACED', 'PAID', 'CONFIRMED', 'PACKED', 'AT_PICKUP_POINT', 'COMPLETED',
                    'CANCELLED', 'REFUNDED'));
-- A code is unique among the bags waiting at a point; once handed over it may be drawn again.
create unique index orders_open_pickup_code on orders(pickup_point_id, pickup_code) where status = 'AT_PICKUP_POINT';
create index orders_by_point on orders(pickup_point_id, status);

create table order_events (
  id           bigserial primary key,
  order_id     bigint not null references orders(id),
  from_status  text not null,
  to_status    text not null,
  actor_kind   text not null check (actor_kind in ('STAFF', 'VIEWER', 'SYSTEM')),
  actor_id     bigint,
  reason       text not null,
  at           timestamptz not null default now()
);
create index order_events_by_order on order_events(order_id, at);

-- Every status change is recorded by the database itself, so no code path can forget to. A transaction
-- names its actor and reason with set_config('linli.actor_kind' | 'linli.actor_id' | 'linli.reason', ..., true);
-- sweeps that name none are recorded as SYSTEM.
create function record_order_event() returns trigger language plpgsql as $$
begin
  insert into order_events(order_id, from_status, to_status, actor_kind, actor_id, reason)
  values (new.id, old.status, new.status,
          coalesce(nullif(current_setting('linli.actor_kind', true), ''), 'SYSTEM'),
          nullif(current_setting('linli.actor_id', true), '')::bigint,
          coalesce(nullif(current_setting('linli.reason', true), ''), 'system'));
  return new;
end $$;

create trigger orders_status_events after update of status on orders
  for each row when (old.status is distinct from new.status) execute function record_order_event();
