-- Leaders (团长) are in the room as `leader`: they vote, and the host and staff may ban them and mute them.
-- A leader's id is commerce's (its `leaders` table), never a viewer's, so leaders get columns and tables of
-- their own instead of sharing viewer_id: an id recorded here always says whether it is a viewer or a leader.
-- No foreign key to `leaders`: realtime's tables are migrated before commerce's, and realtime never depends on
-- commerce (it learns who a leader is through live-core's StoreLeaders port).
create table room_leader_bans (
  stream_id   bigint not null references streams(id),
  leader_id   bigint not null,
  banned_by   bigint not null references staff(id),
  reason      text,
  created_at  timestamptz not null default now(),
  primary key (stream_id, leader_id)
);

-- A leader's vote, as it stood when the poll closed (one vote per leader; viewers' are in poll_votes).
create table poll_leader_votes (
  poll_id    bigint not null references polls(id),
  leader_id  bigint not null,
  option     smallint not null check (option between 0 and 5),
  primary key (poll_id, leader_id)
);

-- The moderation log names whom an action was on: a viewer or a leader, never both.
alter table room_moderation add column leader_id bigint,
  add constraint room_moderation_one_subject check (viewer_id is null or leader_id is null);
