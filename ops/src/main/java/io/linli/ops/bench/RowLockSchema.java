package io.linli.ops.bench;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/**
 * The tables of benchmark system (b) ({@link RowLockBaseline}), created by the load generator's setup and never by
 * the product's migrations. The order table copies the columns, checks and indexes of Linli's {@code orders}
 * (minus the foreign keys, which only makes (b) cheaper), so both systems write the same row.
 */
final class RowLockSchema {
  private static final String DDL = """
      create table if not exists bench_row_lock_stock (
        deal_id          bigint primary key,
        store_id         bigint not null,
        stream_id        bigint not null,
        price_fen        bigint not null,
        initial_stock    integer not null,
        stock            integer not null check (stock >= 0),
        per_buyer_limit  integer not null,
        max_per_order    integer not null
      );
      create table if not exists bench_row_lock_buyers (
        deal_id    bigint not null,
        viewer_id  bigint not null,
        units      integer not null check (units >= 0),
        primary key (deal_id, viewer_id)
      );
      create table if not exists bench_row_lock_orders (
        id               bigint primary key,
        deal_id          bigint not null,
        store_id         bigint not null,
        stream_id        bigint not null,
        viewer_id        bigint not null,
        quantity         integer not null check (quantity >= 1),
        unit_price_fen   bigint not null check (unit_price_fen >= 0),
        amount_fen       bigint not null check (amount_fen >= 0),
        status           text not null check (status in ('PLACED', 'CONFIRMED', 'CANCELLED')),
        ref              text,
        idempotency_key  text not null,
        created_at       timestamptz not null default now(),
        updated_at       timestamptz not null default now()
      );
      create unique index if not exists bench_row_lock_orders_idempotency
        on bench_row_lock_orders(viewer_id, deal_id, idempotency_key);
      create index if not exists bench_row_lock_orders_by_deal on bench_row_lock_orders(deal_id, status);
      """;

  private RowLockSchema() {}

  static Future<Void> create(Pool pool) {
    // A simple (not prepared) query may hold several statements.
    return pool.query(DDL).execute().mapEmpty();
  }
}
