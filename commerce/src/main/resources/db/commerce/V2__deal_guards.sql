-- The record's own guard against overselling, whatever Redis says (Redis may restart empty mid-sale):
-- every order batch adds its units here with a conditional update, and each household's units per deal
-- are kept against the deal's limit. Redis stays the fast pre-check; PostgreSQL has the last word.
alter table deals add column sold_units integer not null default 0;
alter table deals add constraint deals_not_oversold check (sold_units >= 0 and sold_units <= stock);

create table deal_buyers (
  deal_id    bigint not null references deals(id),
  viewer_id  bigint not null references viewers(id),
  units      integer not null check (units >= 0),
  primary key (deal_id, viewer_id)
);
