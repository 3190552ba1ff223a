-- A household's units in a deal were kept twice: in its orders, and as a running total in deal_buyers that every
-- join batch upserted (a row, its index entry and its WAL per household) so PostgreSQL could refuse a household over
-- the deal's limit. The total is now read from the orders themselves, through the index that leads with
-- (viewer_id, deal_id), at the moment a batch or a late payment's revival takes the deal's row lock: every path that
-- adds a household's units takes that lock first, so the read sees every such order committed before and none can
-- commit beside it (OrderWriter.OVER_LIMIT). Leaving, a lapsed hold and a failed deal only change order statuses;
-- nothing else has to follow. ops/bench/FINDINGS.md, section 27, has what the upsert cost.
--
-- An order's household key (deal_id, viewer_id) -> deal_buyers becomes what it stood for: the order's viewer exists.

drop trigger deal_buyers_parents_exist on deal_buyers;
drop trigger deal_buyers_changed_parents_exist on deal_buyers;
drop trigger deal_buyers_unreferenced_delete on deal_buyers;
drop trigger deal_buyers_unreferenced_update on deal_buyers;
drop trigger deal_buyers_not_truncated on deal_buyers;
drop function deal_buyers_parents_exist();
drop function deal_buyers_changed_parents_exist();
drop function deal_buyers_unreferenced();
drop function deal_buyers_not_truncated();
drop table deal_buyers;

create or replace function orders_parents_exist() returns trigger language plpgsql as $$
declare
  viewers bigint;
  deals bigint;
  points bigint;
  missing text;
begin
  select
    (select count(*) - count(l.found) from (select distinct viewer_id from checked) c
      left join lateral (select true as found from viewers v where v.id = c.viewer_id for key share of v) l on true),
    (select count(*) - count(l.found) from (select distinct deal_id, store_id, stream_id from checked) c
      left join lateral (select true as found from deals d
        where d.id = c.deal_id and d.store_id = c.store_id and d.stream_id = c.stream_id for key share of d) l on true),
    (select count(*) - count(l.found)
      from (select distinct pickup_point_id from checked where pickup_point_id is not null) c
      left join lateral (select true as found from pickup_points p
        where p.id = c.pickup_point_id for key share of p) l on true)
  into viewers, deals, points;
  if viewers > 0 then
    select c.viewer_id::text into missing from checked c
      where not exists (select from viewers v where v.id = c.viewer_id) limit 1;
    perform raise_missing_parent('orders', 'orders_viewer_id_fkey', 'viewer_id', missing, 'viewers');
  end if;
  if deals > 0 then
    select c.deal_id || ', ' || c.store_id || ', ' || c.stream_id into missing from checked c
      where not exists (select from deals d where d.id = c.deal_id and d.store_id = c.store_id
        and d.stream_id = c.stream_id) limit 1;
    perform raise_missing_parent('orders', 'orders_deal_store_stream_fkey', 'deal_id, store_id, stream_id', missing,
      'deals');
  end if;
  if points > 0 then
    select c.pickup_point_id::text into missing from checked c
      where c.pickup_point_id is not null
        and not exists (select from pickup_points p where p.id = c.pickup_point_id) limit 1;
    perform raise_missing_parent('orders', 'orders_pickup_point_id_fkey', 'pickup_point_id', missing,
      'pickup_points');
  end if;
  return null;
end $$;

create or replace function orders_changed_parents_exist() returns trigger language plpgsql as $$
begin
  if not exists (select from viewers v where v.id = new.viewer_id for key share of v) then
    perform raise_missing_parent('orders', 'orders_viewer_id_fkey', 'viewer_id', new.viewer_id::text, 'viewers');
  end if;
  if not exists (select from deals d where d.id = new.deal_id and d.store_id = new.store_id
      and d.stream_id = new.stream_id for key share of d) then
    perform raise_missing_parent('orders', 'orders_deal_store_stream_fkey', 'deal_id, store_id, stream_id',
      new.deal_id || ', ' || new.store_id || ', ' || new.stream_id, 'deals');
  end if;
  if new.pickup_point_id is not null
      and not exists (select from pickup_points p where p.id = new.pickup_point_id for key share of p) then
    perform raise_missing_parent('orders', 'orders_pickup_point_id_fkey', 'pickup_point_id',
      new.pickup_point_id::text, 'pickup_points');
  end if;
  return null;
end $$;

create or replace function deals_unreferenced() returns trigger language plpgsql as $$
begin
  if exists (select from orders o where o.deal_id = old.id) then
    perform raise_still_referenced('deals', 'orders_deal_store_stream_fkey', 'id, store_id, stream_id',
      old.id || ', ' || old.store_id || ', ' || old.stream_id, 'orders');
  end if;
  return null;
end $$;

-- A viewer's children are now its orders (orders_idempotency leads with viewer_id, so the check is a probe).
drop trigger viewers_unreferenced_delete on viewers;
drop trigger viewers_unreferenced_update on viewers;
create trigger viewers_unreferenced_delete after delete on viewers for each row
  execute function id_unreferenced('orders', 'viewer_id', 'orders_viewer_id_fkey');
create trigger viewers_unreferenced_update after update on viewers for each row
  when (old.id <> new.id)
  execute function id_unreferenced('orders', 'viewer_id', 'orders_viewer_id_fkey');
