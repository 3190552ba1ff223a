-- commerce owns products, deals and orders. Money is integer fen; time is UTC.
create table products (
  id            bigint primary key,
  store_id      bigint not null references stores(id),
  name          text not null,
  price_fen     bigint not null check (price_fen >= 0),
  stock         integer not null check (stock >= 0),
  unit          text,
  image_url     text,
  description   text,
  created_at    timestamptz not null default now()
);
create index products_by_store on products(store_id);

create table deals (
  id               bigint primary key,
  store_id         bigint not null references stores(id),
  stream_id        bigint not null references streams(id),
  product_id       bigint not null references products(id),
  group_price_fen  bigint not null check (group_price_fen >= 0),
  threshold        integer not null check (threshold >= 1),
  count_by         text not null check (count_by in ('BUYERS', 'UNITS')),
  stock            integer not null check (stock >= 1),
  per_buyer_limit  integer not null check (per_buyer_limit >= 1),
  ends_at          timestamptz not null,
  status           text not null check (status in ('OPEN', 'FORMED', 'CLOSED', 'FAILED')),
  formed_at        timestamptz,
  closed_at        timestamptz,
  created_at       timestamptz not null default now()
);
create index deals_by_stream on deals(stream_id);
-- The deadline job scans only deals that can still change.
create index deals_due on deals(ends_at) where status in ('OPEN', 'FORMED');

create table orders (
  id               bigint primary key,
  deal_id          bigint not null references deals(id),
  store_id         bigint not null references stores(id),
  stream_id        bigint not null references streams(id),
  viewer_id        bigint not null references viewers(id),
  quantity         integer not null check (quantity >= 1),
  unit_price_fen   bigint not null check (unit_price_fen >= 0),
  amount_fen       bigint not null check (amount_fen >= 0),
  status           text not null check (status in ('PLACED', 'CONFIRMED', 'CANCELLED')),
  ref              text,
  idempotency_key  text not null,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
-- The record's own guard against a key counted twice, whatever Redis says.
create unique index orders_idempotency on orders(deal_id, viewer_id, idempotency_key);
create index orders_by_deal on orders(deal_id, status);
create index orders_by_viewer on orders(viewer_id);
