package io.linli.ops;

import io.linli.core.testing.MutableClock;
import io.linli.core.testing.TestPlatform;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class with one real node of its own (fresh database) whose time the test moves: payment windows lapse,
 * deadlines pass and claim windows close when the test says, not when the wall clock does.
 */
abstract class ClockedNodeTest {
  static MutableClock CLOCK;
  static Node node;
  static ApiClient api;

  @BeforeAll
  static void startNode() {
    CLOCK = MutableClock.startingNow();
    node = Node.start(TestPlatform.config(TestNode.freshDatabase(), Map.of()), CLOCK).await();
    api = new ApiClient(node.port());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close().await();
    }
  }

  /** A count from the record, for checks the API does not show. */
  static long count(String sql) {
    return node.platform().pool().query(sql).execute().await().iterator().next().getLong(0);
  }
}
