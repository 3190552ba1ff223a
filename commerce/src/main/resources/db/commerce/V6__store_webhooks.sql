-- A store's own systems hear of every order change through a signed webhook. Deliveries are queued by the
-- same trigger that records the change, in the same transaction (an outbox): none is lost, none is invented.
create table store_webhooks (
  store_id    bigint primary key references stores(id),
  url         text not null,
  secret      text not null,
  created_at  timestamptz not null default now()
);

create table webhook_deliveries (
  id               bigserial primary key,
  store_id         bigint not null references stores(id),
  event_id         bigint not null unique references order_events(id),
  payload          jsonb not null,
  status           text not null check (status in ('PENDING', 'DELIVERED', 'FAILED')),
  attempts         integer not null default 0,
  next_attempt_at  timestamptz not null default now(),
  last_status      integer,
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz not null default now()
);
create index webhook_deliveries_due on webhook_deliveries(next_attempt_at) where status = 'PENDING';
create index webhook_deliveries_by_store on webhook_deliveries(store_id, id);

create or replace function record_order_event() returns trigger language plpgsql as $$
declare
  event_id bigint;
begin
  insert into order_events(order_id, from_status, to_status, actor_kind, actor_id, reason)
  values (new.id, old.status, new.status,
          coalesce(nullif(current_setting('linli.actor_kind', true), ''), 'SYSTEM'),
          nullif(current_setting('linli.actor_id', true), '')::bigint,
          coalesce(nullif(current_setting('linli.reason', true), ''), 'system'))
  returning id into event_id;
  insert into webhook_deliveries(store_id, event_id, payload, status)
  select new.store_id, event_id, jsonb_build_object(
           'type', 'order.status_changed', 'eventId', event_id, 'orderId', new.id,
           'dealId', new.deal_id, 'from', old.status, 'to', new.status, 'quantity', new.quantity,
           'amountFen', new.amount_fen, 'at', now()),
         'PENDING'
  from store_webhooks w where w.store_id = new.store_id;
  return new;
end $$;
