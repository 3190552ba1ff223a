-- Two steps of getting bags to households that the store really takes.
--
-- Dispatch: a bag for a leader's home or a locker goes on the run (DISPATCHED, "on its way to <point>") and
-- then arrives there: PACKED -> DISPATCHED -> AT_PICKUP_POINT. PACKED -> AT_PICKUP_POINT stays (the store's own
-- counter, where nothing travels). The change is recorded, queued for the webhook and rung to the buyer by the
-- existing triggers (V5, V6, V9), like every change.
alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check
  check (status in ('PENDING_PAYMENT', 'PLACED', 'PAID', 'CONFIRMED', 'PACKED', 'DISPATCHED', 'AT_PICKUP_POINT',
                    'OUT_FOR_DELIVERY', 'COMPLETED', 'CANCELLED', 'REFUNDED'));
