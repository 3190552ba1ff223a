-- Deals that open by themselves (opensAt), that the host can pause, with per-order bounds and tiered
-- prices (阶梯价): everyone pays the best tier reached when the deal closes, and each change is recorded.
alter table deals add column opens_at timestamptz;
alter table deals add column max_per_order integer check (max_per_order >= 1);
alter table deals drop constraint deals_status_check;
alter table deals add constraint deals_status_check
  check (status in ('SCHEDULED', 'OPEN', 'PAUSED', 'FORMED', 'CLOSED', 'FAILED'));
drop index deals_due;
create index deals_due on deals(ends_at) where status in ('OPEN', 'PAUSED', 'FORMED');
create index deals_to_open on deals(opens_at) where status = 'SCHEDULED';

create table deal_tiers (
  deal_id    bigint not null references deals(id),
  min_count  integer not null check (min_count >= 1),
  price_fen  bigint not null check (price_fen >= 0),
  primary key (deal_id, min_count)
);

-- Every change to what a buyer owes after the order was placed (tier price now; refunds later).
create table order_adjustments (
  id                 bigserial primary key,
  order_id           bigint not null references orders(id),
  kind               text not null check (kind in ('TIER_PRICE')),
  amount_before_fen  bigint not null,
  amount_after_fen   bigint not null,
  created_at         timestamptz not null default now()
);
create index order_adjustments_by_order on order_adjustments(order_id);
