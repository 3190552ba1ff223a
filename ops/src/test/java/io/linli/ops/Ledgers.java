package io.linli.ops;

/**
 * The money rule every order keeps (commerce/ORDER-STATES.md): its ledger sums to what the household paid less what
 * was refunded. Tests check it after each test with {@link #UNBALANCED}, which counts the orders that break it.
 */
final class Ledgers {
  static final String UNBALANCED = "select count(*) from orders o where coalesce((select sum(amount_fen)"
      + " from ledger_entries l where l.order_id = o.id), 0) <> coalesce((select sum(amount_fen) from payments p"
      + " where p.order_id = o.id and p.status = 'SUCCEEDED'), 0) - coalesce((select sum(amount_fen) from refunds r"
      + " where r.order_id = o.id and r.status = 'SUCCEEDED'), 0)";

  private Ledgers() {}
}
