-- Households hear about their refunds. A refund that ends (PENDING -> SUCCEEDED, or FAILED for good: ABNORMAL,
-- CLOSED or refused) is a notice for the buyer's personal channel (order.refund, realtime/ROOM-PROTOCOL.md), also
-- when the order's status does not change (a tier difference, an approved after-sales claim). Recorded by the
-- database in the settling transaction, like order_events (V5), so no code path can forget it; numbered from
-- order_events' own sequence, so one eventId orders both kinds of notice and a reconnect with ?after= replays both;
-- rung to the buyer's sockets by the same function as an order event (V9: it reads order_id and id).
create table refund_events (
  id         bigint primary key default nextval('order_events_id_seq'),
  refund_id  bigint not null unique references refunds(id),
  order_id   bigint not null references orders(id),
  status     text not null check (status in ('SUCCEEDED', 'FAILED')),
  at         timestamptz not null default now()
);
create index refund_events_by_order on refund_events(order_id, id);

create function record_refund_event() returns trigger language plpgsql as $$
begin
  insert into refund_events(refund_id, order_id, status) values (new.id, new.order_id, new.status);
  return null;
end $$;

-- A refund settles once, from PENDING (RefundService, under its row lock).
create trigger refunds_record_event after update of status on refunds
  for each row when (old.status = 'PENDING' and new.status in ('SUCCEEDED', 'FAILED'))
  execute function record_refund_event();

create trigger refund_events_ring_viewer after insert on refund_events
  for each row execute function ring_viewer_of_order_event();
