-- Paying in the stream. A store is either pay-on-pickup (a join counts at once) or pays online: then a join
-- holds stock until paid or until its payment window lapses, and only a paid order counts towards the group.
create table store_payment_settings (
  store_id                bigint primary key references stores(id),
  mode                    text not null check (mode in ('PAY_ON_PICKUP', 'ONLINE')),
  payment_window_seconds  integer not null check (payment_window_seconds between 60 and 86400)
);

alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check
  check (status in ('PENDING_PAYMENT', 'PLACED', 'PAID', 'CONFIRMED', 'CANCELLED', 'REFUNDED'));
alter table orders add column hold_expires_at timestamptz;
create index orders_holds_due on orders(hold_expires_at) where status = 'PENDING_PAYMENT';

create table payments (
  id               bigint primary key,
  order_id         bigint not null references orders(id),
  provider         text not null,
  status           text not null check (status in ('CREATED', 'SUCCEEDED', 'FAILED')),
  amount_fen       bigint not null check (amount_fen > 0),
  provider_ref     text,
  idempotency_key  text not null,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  unique (order_id, idempotency_key)
);
create index payments_by_order on payments(order_id);

-- One refund per payment and reason, enforced here: a deal that fails on two nodes at once refunds once.
create table refunds (
  id           bigint primary key,
  order_id     bigint not null references orders(id),
  payment_id   bigint not null references payments(id),
  reason       text not null check (reason in ('DEAL_FAILED', 'LATE_PAYMENT', 'TIER_PRICE', 'BUYER_LEFT')),
  amount_fen   bigint not null check (amount_fen > 0),
  status       text not null check (status in ('PENDING', 'SUCCEEDED', 'FAILED')),
  created_at   timestamptz not null default now(),
  unique (payment_id, reason)
);

-- Every money movement of an order; its sum is what the buyer paid minus what was refunded.
create table ledger_entries (
  id          bigserial primary key,
  order_id    bigint not null references orders(id),
  kind        text not null check (kind in ('PAYMENT', 'REFUND')),
  amount_fen  bigint not null,
  payment_id  bigint references payments(id),
  refund_id   bigint references refunds(id),
  created_at  timestamptz not null default now()
);
create index ledger_by_order on ledger_entries(order_id);
