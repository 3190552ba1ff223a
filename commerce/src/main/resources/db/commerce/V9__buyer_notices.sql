-- Every order status change rings the buyer's personal channel (io.linli.core.viewer.ViewerNotices): a
-- NOTIFY in the same transaction as the order_events row, so it rings only once committed, in commit order.
-- The payload is a doorbell ({viewerId, eventId}); nodes with the buyer's sockets read the notice from the
-- record. A trigger of its own on order_events (not a change to record_order_event), so migrations that
-- redefine that function keep it; order inserts (the join path) record no event and ring nothing.
create function ring_viewer_of_order_event() returns trigger language plpgsql as $$
begin
  perform pg_notify('linli_viewer_notices',
                    json_build_object('viewerId', o.viewer_id, 'eventId', new.id)::text)
  from orders o where o.id = new.order_id;
  return null;
end $$;

create trigger order_events_ring_viewer after insert on order_events
  for each row execute function ring_viewer_of_order_event();
