-- Refunds as a real provider does them (WeChat Pay v3): the request is accepted (PROCESSING, with the provider's
-- own refund id) and its outcome comes later, in a signed notification or a query: SUCCESS (the money is back:
-- the ledger's REFUND row is written then), ABNORMAL or CLOSED (it is not: the refund is FAILED, staff may try
-- again with a new refund). Our refund id is the provider's out_refund_no, so asking again under it never
-- refunds twice.
alter table refunds add column provider_refund_id text;
alter table refunds add column outcome text check (outcome in ('SUCCESS', 'ABNORMAL', 'CLOSED', 'REFUSED'));
alter table refunds add column failure text;
alter table refunds add column accepted_at timestamptz;
alter table refunds add column settled_at timestamptz;
-- When the sweep next asks the provider about a refund still PENDING (no notification came), and how often it has.
alter table refunds add column query_after timestamptz;
alter table refunds add column queries integer not null default 0;
-- A new attempt at a FAILED refund names the one it retries; each failed refund is retried at most once (the
-- retry, if it fails too, may be retried in turn).
alter table refunds add column retry_of bigint references refunds(id);
create unique index refunds_retried_once on refunds(retry_of) where retry_of is not null;

update refunds set settled_at = created_at, outcome = 'SUCCESS' where status = 'SUCCEEDED';
update refunds set settled_at = created_at where status = 'FAILED';
update refunds set query_after = created_at where status = 'PENDING';
create index refunds_to_query on refunds(query_after) where status = 'PENDING';
create index refunds_by_order on refunds(order_id);

-- Once per payment and reason (once per claim) still, but a FAILED refund no longer holds its place: the retry
-- takes it.
drop index refunds_once_per_reason;
create unique index refunds_once_per_reason on refunds(payment_id, reason)
  where claim_id is null and status <> 'FAILED';
drop index refunds_once_per_claim;
create unique index refunds_once_per_claim on refunds(claim_id) where claim_id is not null and status <> 'FAILED';

-- Every refund notification that was verified and applied to a refund, by the provider's event id: a duplicate
-- (the provider retries until it hears 2xx) finds its event here and changes nothing.
create table refund_notifications (
  event_id     text primary key,
  refund_id    bigint not null references refunds(id),
  outcome      text not null check (outcome in ('SUCCESS', 'ABNORMAL', 'CLOSED')),
  received_at  timestamptz not null default now()
);
create index refund_notifications_by_refund on refund_notifications(refund_id);
