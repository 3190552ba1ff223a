-- live-core owns stores, staff, streams and viewers. Ids are TSIDs made by the node (see Ids); time is UTC.
create table stores (
  id          bigint primary key,
  name        text not null check (length(name) between 1 and 100),
  timezone    text not null default 'Asia/Shanghai',
  created_at  timestamptz not null default now()
);

create table staff (
  id             bigint primary key,
  name           text not null,
  phone          text not null unique,
  password_hash  text not null,
  created_at     timestamptz not null default now()
);

create table store_staff (
  store_id  bigint not null references stores(id),
  staff_id  bigint not null references staff(id),
  role      text not null check (role in ('OWNER', 'STAFF')),
  primary key (store_id, staff_id)
);
create index store_staff_by_staff on store_staff(staff_id);

create table streams (
  id            bigint primary key,
  store_id      bigint not null references stores(id),
  title         text not null,
  scheduled_at  timestamptz not null,
  status        text not null check (status in ('SCHEDULED', 'LIVE', 'ENDED')),
  share_code    text not null unique,
  started_at    timestamptz,
  ended_at      timestamptz,
  created_at    timestamptz not null default now()
);
create index streams_by_store on streams(store_id, scheduled_at);

create table viewers (
  id          bigint primary key,
  nickname    text not null,
  phone       text,
  created_at  timestamptz not null default now()
);
