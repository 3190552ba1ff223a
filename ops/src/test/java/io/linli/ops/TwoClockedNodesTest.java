package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.id.Ids;
import io.linli.core.testing.MutableClock;
import io.linli.core.testing.TestPlatform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class with two real nodes on one fresh database and one clock the test moves, for money that either
 * node may move (a notification to one, a sweep on the other). Every test ends with each order's ledger summing
 * to what was paid less what came back.
 */
abstract class TwoClockedNodesTest {
  static MutableClock CLOCK;
  static String database;
  static Node a;
  static Node b;

  @BeforeAll
  static void startNodes() {
    CLOCK = MutableClock.startingNow();
    database = TestNode.freshDatabase();
    a = Node.start(TestPlatform.config(database, Map.of("LINLI_NODE_ID", "node-a")), CLOCK).await();
    b = Node.start(TestPlatform.config(database, Map.of("LINLI_NODE_ID", "node-b")), CLOCK).await();
  }

  @AfterAll
  static void stopNodes() {
    for (Node n : new Node[] {a, b}) {
      if (n != null) {
        n.close().await();
      }
    }
  }

  @AfterEach
  void everyLedgerSumsToWhatWasPaidLessWhatCameBack() {
    assertThat(count(Ledgers.UNBALANCED)).as("orders whose ledger does not add up").isZero();
  }

  /** A count from the record. */
  static long count(String sql) {
    return a.platform().pool().query(sql).execute().await().iterator().next().getLong(0);
  }

  static void awaitCount(String sql, long wanted) {
    long n = -1;
    for (int i = 0; i < 200 && n != wanted; i++) {
      OneNodeTest.sleep(25);
      n = count(sql);
    }
    assertThat(n).as(sql).isEqualTo(wanted);
  }

  /** The order's ledger: what it paid less what came back, in fen. */
  static long ledger(String order) {
    return count("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = " + Ids.parse(order));
  }

  /** How many refunds the order's ledger holds. */
  static long refundEntries(long orderId) {
    return count("select count(*) from ledger_entries where kind = 'REFUND' and order_id = " + orderId);
  }

  /** Orders' ids as an SQL list. */
  static String ids(List<String> orders) {
    return "(" + String.join(",", orders.stream().map(o -> Long.toString(Ids.parse(o))).toList()) + ")";
  }

  /** What the sandbox itself has refunded of a payment. */
  static long sandboxRefunded(String payment) {
    String fen = a.platform().redis().call(c -> c.hget("sandbox:payment:" + payment, "refundedFen")).await();
    return fen == null ? 0 : Long.parseLong(fen);
  }
}
