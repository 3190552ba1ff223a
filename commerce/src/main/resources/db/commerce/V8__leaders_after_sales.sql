-- Leaders (团长) and after-sales with leader-first compensation (团长先行赔付).
--
-- A leader belongs to one store, signs in with phone and password, shares links carrying a referral code,
-- and may host pickup points. Orders whose ref is one of the store's leaders' codes are attributed to it.
create table leaders (
  id             bigint primary key,
  store_id       bigint not null references stores(id),
  name           text not null,
  phone          text not null unique,
  password_hash  text not null,
  referral_code  text not null unique,
  created_at     timestamptz not null default now()
);
create index leaders_by_store on leaders(store_id);

alter table pickup_points add column leader_id bigint references leaders(id);
create index pickup_points_by_leader on pickup_points(leader_id) where leader_id is not null;

-- Attribution happens in the record, and only for orders that carry a ref: the WHEN clause is checked without
-- calling the function, so a join with no ref pays nothing for it.
alter table orders add column leader_id bigint references leaders(id);
create index orders_by_leader on orders(leader_id) where leader_id is not null;
create function attribute_order_to_leader() returns trigger language plpgsql as $$
begin
  select l.id into new.leader_id from leaders l where l.referral_code = new.ref and l.store_id = new.store_id;
  return new;
end $$;
create trigger orders_attribute_leader before insert on orders
  for each row when (new.ref is not null) execute function attribute_order_to_leader();

-- A leader hands bags over at their own point: their steps are recorded as theirs.
alter table order_events drop constraint order_events_actor_kind_check;
alter table order_events add constraint order_events_actor_kind_check
  check (actor_kind in ('STAFF', 'VIEWER', 'SYSTEM', 'LEADER'));

create table store_after_sales_settings (
  store_id            bigint primary key references stores(id),
  claim_window_hours  integer not null check (claim_window_hours between 1 and 2160),
  leader_limit_fen    bigint not null check (leader_limit_fen >= 0),
  photo_max_bytes     integer not null check (photo_max_bytes between 1024 and 524288)
);

-- A household's claim on a completed order. OPEN -> COMPENSATED (the point's leader paid on the spot) |
-- ESCALATED (the leader passed it to staff) ; OPEN or ESCALATED -> APPROVED (staff; refunded) | DENIED (staff).
create table claims (
  id               bigint primary key,
  order_id         bigint not null references orders(id),
  store_id         bigint not null references stores(id),
  viewer_id        bigint not null references viewers(id),
  pickup_point_id  bigint references pickup_points(id),
  reason           text not null check (reason in ('DAMAGED', 'MISSING', 'QUALITY', 'WRONG_ITEM', 'OTHER')),
  note             text check (length(note) <= 500),
  requested_fen    bigint not null check (requested_fen > 0),
  status           text not null check (status in ('OPEN', 'ESCALATED', 'COMPENSATED', 'APPROVED', 'DENIED')),
  granted_fen      bigint check (granted_fen >= 0),
  settlement       text check (settlement in ('LEADER_CASH', 'PROVIDER_REFUND', 'STORE_CASH')),
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create index claims_by_order on claims(order_id);
create index claims_by_store on claims(store_id, status);

-- Bytes beside the claim, in the record: small (the store's limit, at most 512 KiB) and read rarely.
create table claim_photos (
  claim_id      bigint primary key references claims(id),
  content_type  text not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
  bytes         bytea not null
);

-- Every step of a claim: who (kind and id), when, why, and the amount it granted.
create table claim_events (
  id           bigserial primary key,
  claim_id     bigint not null references claims(id),
  from_status  text,
  to_status    text not null,
  actor_kind   text not null check (actor_kind in ('STAFF', 'VIEWER', 'LEADER', 'SYSTEM')),
  actor_id     bigint,
  amount_fen   bigint,
  note         text,
  at           timestamptz not null default now()
);
create index claim_events_by_claim on claim_events(claim_id, id);

-- What a store owes its leaders for compensation paid on the spot, and when it settled.
create table leader_settlements (
  id          bigint primary key,
  leader_id   bigint not null references leaders(id),
  amount_fen  bigint not null check (amount_fen > 0),
  staff_id    bigint not null,
  at          timestamptz not null default now()
);
create table leader_payables (
  claim_id       bigint primary key references claims(id),
  leader_id      bigint not null references leaders(id),
  store_id       bigint not null references stores(id),
  amount_fen     bigint not null check (amount_fen > 0),
  settlement_id  bigint references leader_settlements(id),
  created_at     timestamptz not null default now()
);
create index leader_payables_open on leader_payables(leader_id) where settlement_id is null;

-- The order's money ledger also records compensation the leader paid in hand, so its sum is what the
-- household effectively paid: paid - refunded - compensated.
alter table ledger_entries add column claim_id bigint references claims(id);
alter table ledger_entries drop constraint ledger_entries_kind_check;
alter table ledger_entries add constraint ledger_entries_kind_check
  check (kind in ('PAYMENT', 'REFUND', 'COMPENSATION'));

-- An approved claim refunds through the provider once per claim (several claims may refund one payment);
-- every other reason stays once per payment.
alter table refunds add column claim_id bigint references claims(id);
alter table refunds drop constraint refunds_reason_check;
alter table refunds add constraint refunds_reason_check
  check (reason in ('DEAL_FAILED', 'LATE_PAYMENT', 'TIER_PRICE', 'BUYER_LEFT', 'CLAIM'));
alter table refunds drop constraint refunds_payment_id_reason_key;
create unique index refunds_once_per_reason on refunds(payment_id, reason) where claim_id is null;
create unique index refunds_once_per_claim on refunds(claim_id) where claim_id is not null;
