-- An order row was checked against five parents, one foreign key each: deal, store, stream, viewer and pickup
-- point. On the join path those checks (one SPI query and row lock each, per row) were a third of PostgreSQL's
-- CPU (ops/bench/FINDINGS.md, section 13). Two composite keys say the same and more with fewer checks:
--   * an order's store and stream are its deal's: (deal_id, store_id, stream_id) is a row of deals, whose own
--     keys check the store and the stream (before, nothing tied an order's store to its deal's);
--   * an order's (deal_id, viewer_id) is a household of that deal in deal_buyers, written earlier in the same
--     transaction (OrderWriter), whose own keys check the deal and the viewer.
alter table deals add constraint deals_id_store_stream unique (id, store_id, stream_id);

-- Orders older than deal_buyers (V2) have no household row: give them one holding what the guard knew of them
-- (nothing), so its counts are unchanged.
insert into deal_buyers(deal_id, viewer_id, units)
select distinct o.deal_id, o.viewer_id, 0 from orders o
where not exists (select 1 from deal_buyers b where b.deal_id = o.deal_id and b.viewer_id = o.viewer_id);

alter table orders
  add constraint orders_deal_store_stream_fkey foreign key (deal_id, store_id, stream_id)
    references deals(id, store_id, stream_id),
  add constraint orders_household_fkey foreign key (deal_id, viewer_id)
    references deal_buyers(deal_id, viewer_id);

alter table orders
  drop constraint orders_deal_id_fkey,
  drop constraint orders_store_id_fkey,
  drop constraint orders_stream_id_fkey,
  drop constraint orders_viewer_id_fkey;
