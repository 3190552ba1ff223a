-- realtime owns polls (their final results are the record; live tallies are in Redis until a poll closes),
-- bans (enforced on every join, so they survive restarts) and the moderation log. Time is UTC.
create table polls (
  id                bigint primary key,
  stream_id         bigint not null references streams(id),
  question          text not null check (length(question) between 1 and 200),
  options           text[] not null check (cardinality(options) between 2 and 6),
  duration_seconds  integer check (duration_seconds between 1 and 86400),
  status            text not null check (status in ('DRAFT', 'OPEN', 'CLOSED')),
  created_by        bigint not null references staff(id),
  created_at        timestamptz not null default now(),
  opened_at         timestamptz,
  closes_at         timestamptz,
  closed_at         timestamptz,
  -- votes per option, in option order; written once, when the poll closes
  results           integer[],
  check (status <> 'CLOSED' or (closed_at is not null and results is not null))
);
create index polls_by_stream on polls(stream_id, created_at);
-- Every node's poll timer scans only open polls that have a deadline.
create index polls_due on polls(closes_at) where status = 'OPEN' and closes_at is not null;

-- Who voted what, as it stood when the poll closed (one vote per viewer).
create table poll_votes (
  poll_id    bigint not null references polls(id),
  viewer_id  bigint not null references viewers(id),
  option     smallint not null check (option between 0 and 5),
  primary key (poll_id, viewer_id)
);

create table room_bans (
  stream_id   bigint not null references streams(id),
  viewer_id   bigint not null references viewers(id),
  banned_by   bigint not null references staff(id),
  reason      text,
  created_at  timestamptz not null default now(),
  primary key (stream_id, viewer_id)
);

-- What the host and staff did in a room, for the record (mutes themselves live in Redis with their expiry).
create table room_moderation (
  id          bigint primary key,
  stream_id   bigint not null references streams(id),
  action      text not null check (action in ('DELETE', 'MUTE', 'UNMUTE', 'BAN', 'UNBAN', 'PIN', 'UNPIN', 'SLOW_MODE')),
  by_staff    bigint not null references staff(id),
  viewer_id   bigint references viewers(id),
  details     jsonb not null default '{}',
  at          timestamptz not null default now()
);
create index room_moderation_by_stream on room_moderation(stream_id, at);
