create table t (
  id bigint primary key,
  name text not null
);
