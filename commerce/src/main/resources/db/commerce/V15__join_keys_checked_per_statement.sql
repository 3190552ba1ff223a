-- The two tables a join writes, orders and deal_buyers, checked their parents through five declared foreign
-- keys: per row and per key, a queued trigger that plans, starts and runs its own query and locks the parent.
-- On the join path that was a third of PostgreSQL's CPU (ops/bench/FINDINGS.md, section 25). These triggers keep
-- the same guarantees and check all of a statement's rows in one query:
--   * a new row's parents exist, and stay locked FOR KEY SHARE until commit, as a foreign key locks them, so a
--     concurrent delete of a parent waits for the insert and then fails;
--   * a parent that still has children cannot be deleted or change its key;
--   * a row whose keys change is checked as if inserted (nothing changes them today).
-- A violation raises what the foreign key raised: SQLSTATE 23503, the constraint's name and PostgreSQL's wording.
-- One difference: a foreign key's parent-side check sees children committed after a repeatable-read snapshot; these
-- see what a read committed statement sees. Linli runs every transaction read committed.
-- Every other foreign key in the schema stays declared; these two tables take thousands of rows a second.

alter table orders
  drop constraint orders_household_fkey,
  drop constraint orders_deal_store_stream_fkey,
  drop constraint orders_pickup_point_id_fkey;
alter table deal_buyers
  drop constraint deal_buyers_deal_id_fkey,
  drop constraint deal_buyers_viewer_id_fkey;

create function raise_missing_parent(child text, constraint_name text, columns text, key text, parent text)
returns void language plpgsql as $$
begin
  raise exception 'insert or update on table "%" violates foreign key constraint "%"', child, constraint_name
    using errcode = 'foreign_key_violation', constraint = constraint_name, table = child,
          detail = format('Key (%s)=(%s) is not present in table "%s".', columns, key, parent);
end $$;

create function raise_still_referenced(parent text, constraint_name text, columns text, key text, child text)
returns void language plpgsql as $$
begin
  raise exception 'update or delete on table "%" violates foreign key constraint "%" on table "%"',
      parent, constraint_name, child
    using errcode = 'foreign_key_violation', constraint = constraint_name, table = child,
          detail = format('Key (%s)=(%s) is still referenced from table "%s".', columns, key, child);
end $$;

-- Each trigger runs one query over the statement's rows: for each parent table, how many rows (or distinct keys)
-- name a parent it could not find and lock. Only when one is missing is it looked up again, for the message. A
-- lookup is a lateral subquery with its own lock, which PostgreSQL does not flatten, so it is a probe of the
-- parent's primary key however many rows the statement wrote and however large the parent table is.
create function orders_parents_exist() returns trigger language plpgsql as $$
declare
  households bigint;
  deals bigint;
  points bigint;
  missing text;
begin
  select
    (select count(*) - count(l.found) from checked c
      left join lateral (select true as found from deal_buyers b
        where b.deal_id = c.deal_id and b.viewer_id = c.viewer_id for key share of b) l on true),
    (select count(*) - count(l.found) from (select distinct deal_id, store_id, stream_id from checked) c
      left join lateral (select true as found from deals d
        where d.id = c.deal_id and d.store_id = c.store_id and d.stream_id = c.stream_id for key share of d) l on true),
    (select count(*) - count(l.found)
      from (select distinct pickup_point_id from checked where pickup_point_id is not null) c
      left join lateral (select true as found from pickup_points p
        where p.id = c.pickup_point_id for key share of p) l on true)
  into households, deals, points;
  if households > 0 then
    select c.deal_id || ', ' || c.viewer_id into missing from checked c
      where not exists (select from deal_buyers b where b.deal_id = c.deal_id and b.viewer_id = c.viewer_id) limit 1;
    perform raise_missing_parent('orders', 'orders_household_fkey', 'deal_id, viewer_id', missing, 'deal_buyers');
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

create function deal_buyers_parents_exist() returns trigger language plpgsql as $$
declare
  deals bigint;
  viewers bigint;
  missing text;
begin
  select
    (select count(*) - count(l.found) from (select distinct deal_id from checked) c
      left join lateral (select true as found from deals d where d.id = c.deal_id for key share of d) l on true),
    (select count(*) - count(l.found) from checked c
      left join lateral (select true as found from viewers v where v.id = c.viewer_id for key share of v) l on true)
  into deals, viewers;
  if deals > 0 then
    select c.deal_id::text into missing from checked c
      where not exists (select from deals d where d.id = c.deal_id) limit 1;
    perform raise_missing_parent('deal_buyers', 'deal_buyers_deal_id_fkey', 'deal_id', missing, 'deals');
  end if;
  if viewers > 0 then
    select c.viewer_id::text into missing from checked c
      where not exists (select from viewers v where v.id = c.viewer_id) limit 1;
    perform raise_missing_parent('deal_buyers', 'deal_buyers_viewer_id_fkey', 'viewer_id', missing, 'viewers');
  end if;
  return null;
end $$;

create trigger orders_parents_exist after insert on orders
  referencing new table as checked for each statement execute function orders_parents_exist();
create trigger deal_buyers_parents_exist after insert on deal_buyers
  referencing new table as checked for each statement execute function deal_buyers_parents_exist();

-- A row whose keys change is checked as if inserted. Transition tables cannot go with a column list, so this is a
-- row trigger whose WHEN lets every other update (a status, a count) pass without calling it.
create function orders_changed_parents_exist() returns trigger language plpgsql as $$
begin
  if not exists (select from deal_buyers b where b.deal_id = new.deal_id and b.viewer_id = new.viewer_id
      for key share of b) then
    perform raise_missing_parent('orders', 'orders_household_fkey', 'deal_id, viewer_id',
      new.deal_id || ', ' || new.viewer_id, 'deal_buyers');
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

create function deal_buyers_changed_parents_exist() returns trigger language plpgsql as $$
begin
  if not exists (select from deals d where d.id = new.deal_id for key share of d) then
    perform raise_missing_parent('deal_buyers', 'deal_buyers_deal_id_fkey', 'deal_id', new.deal_id::text, 'deals');
  end if;
  if not exists (select from viewers v where v.id = new.viewer_id for key share of v) then
    perform raise_missing_parent('deal_buyers', 'deal_buyers_viewer_id_fkey', 'viewer_id', new.viewer_id::text,
      'viewers');
  end if;
  return null;
end $$;

create trigger orders_changed_parents_exist after update on orders for each row
  when (old.deal_id <> new.deal_id or old.viewer_id <> new.viewer_id or old.store_id <> new.store_id
    or old.stream_id <> new.stream_id or old.pickup_point_id is distinct from new.pickup_point_id)
  execute function orders_changed_parents_exist();
create trigger deal_buyers_changed_parents_exist after update on deal_buyers for each row
  when (old.deal_id <> new.deal_id or old.viewer_id <> new.viewer_id)
  execute function deal_buyers_changed_parents_exist();

-- Parents: a delete, or a change of the key children use, is refused while a child still names the old key. The
-- check runs after the parent row is locked, so an insert that locked it first has committed (or rolled back) by
-- then, and a read committed query sees its rows.
create function deal_buyers_unreferenced() returns trigger language plpgsql as $$
begin
  if exists (select from orders o where o.viewer_id = old.viewer_id and o.deal_id = old.deal_id) then
    perform raise_still_referenced('deal_buyers', 'orders_household_fkey', 'deal_id, viewer_id',
      old.deal_id || ', ' || old.viewer_id, 'orders');
  end if;
  return null;
end $$;

create function deals_unreferenced() returns trigger language plpgsql as $$
begin
  if exists (select from orders o where o.deal_id = old.id) then
    perform raise_still_referenced('deals', 'orders_deal_store_stream_fkey', 'id, store_id, stream_id',
      old.id || ', ' || old.store_id || ', ' || old.stream_id, 'orders');
  end if;
  if tg_op = 'DELETE' or old.id <> new.id then
    if exists (select from deal_buyers b where b.deal_id = old.id) then
      perform raise_still_referenced('deals', 'deal_buyers_deal_id_fkey', 'id', old.id::text, 'deal_buyers');
    end if;
  end if;
  return null;
end $$;

-- viewers and pickup_points have one child each, naming their id in one column: tg_argv is the child table, that
-- column and the constraint. Never on the join path, so the query is built per call.
create function id_unreferenced() returns trigger language plpgsql as $$
declare
  referenced boolean;
begin
  execute format('select exists (select from %I where %I = $1)', tg_argv[0], tg_argv[1]) into referenced using old.id;
  if referenced then
    perform raise_still_referenced(tg_table_name, tg_argv[2], 'id', old.id::text, tg_argv[0]);
  end if;
  return null;
end $$;

create trigger deal_buyers_unreferenced_delete after delete on deal_buyers for each row
  execute function deal_buyers_unreferenced();
create trigger deal_buyers_unreferenced_update after update on deal_buyers for each row
  when (old.deal_id <> new.deal_id or old.viewer_id <> new.viewer_id)
  execute function deal_buyers_unreferenced();
create trigger deals_unreferenced_delete after delete on deals for each row
  execute function deals_unreferenced();
create trigger deals_unreferenced_update after update on deals for each row
  when (old.id <> new.id or old.store_id <> new.store_id or old.stream_id <> new.stream_id)
  execute function deals_unreferenced();
create trigger viewers_unreferenced_delete after delete on viewers for each row
  execute function id_unreferenced('deal_buyers', 'viewer_id', 'deal_buyers_viewer_id_fkey');
create trigger viewers_unreferenced_update after update on viewers for each row
  when (old.id <> new.id)
  execute function id_unreferenced('deal_buyers', 'viewer_id', 'deal_buyers_viewer_id_fkey');
create trigger pickup_points_unreferenced_delete after delete on pickup_points for each row
  execute function id_unreferenced('orders', 'pickup_point_id', 'orders_pickup_point_id_fkey');
create trigger pickup_points_unreferenced_update after update on pickup_points for each row
  when (old.id <> new.id)
  execute function id_unreferenced('orders', 'pickup_point_id', 'orders_pickup_point_id_fkey');

-- TRUNCATE fires no row triggers. A foreign key refuses to truncate its parent. viewers, deals and pickup_points are
-- still the parents of declared keys elsewhere, so PostgreSQL refuses to truncate them anyway. deal_buyers has no
-- other children, so this trigger refuses it while orders has rows.
create function deal_buyers_not_truncated() returns trigger language plpgsql as $$
begin
  if exists (select from orders) then
    raise exception 'cannot truncate a table referenced in a foreign key constraint'
      using errcode = 'feature_not_supported', detail = 'Table "orders" references "deal_buyers".';
  end if;
  return null;
end $$;

create trigger deal_buyers_not_truncated before truncate on deal_buyers
  for each statement execute function deal_buyers_not_truncated();
