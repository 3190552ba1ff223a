-- Every order a join writes went into five indexes (ops/bench/FINDINGS.md, section 20). Two of them did not need
-- its entry:
--   * orders_by_viewer (viewer_id) only answers "this household's orders"; the idempotency key's unique index,
--     led by the household instead of the deal, answers that too and still refuses a key counted twice (the
--     deal's own lookups go through orders_by_deal);
--   * orders_by_point (pickup_point_id, status) is read only for bags on their way to a point or handed over
--     there (a leader's bags, a pickup code at the counter): an order waiting for its group to form (PLACED,
--     PAID, PENDING_PAYMENT) or cancelled is never looked up by point, and now gets its entry when it is
--     confirmed, an update that writes a new entry into every index anyway.
create unique index orders_household_key on orders(viewer_id, deal_id, idempotency_key);
drop index orders_idempotency;
drop index orders_by_viewer;
alter index orders_household_key rename to orders_idempotency;

drop index orders_by_point;
create index orders_by_point on orders(pickup_point_id, status)
  where status in ('CONFIRMED', 'PACKED', 'DISPATCHED', 'AT_PICKUP_POINT', 'COMPLETED');
