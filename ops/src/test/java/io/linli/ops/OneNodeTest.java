package io.linli.ops;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class with one real node of its own (fresh database) and a client for it. */
abstract class OneNodeTest {
  static Node node;
  static ApiClient api;

  @BeforeAll
  static void startNode() {
    node = TestNode.start(TestNode.freshDatabase());
    api = new ApiClient(node.port());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close().await();
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A count from the record, for checks the API does not show. */
  static long count(String sql) {
    return node.platform().pool().query(sql).execute().await().iterator().next().getLong(0);
  }
}
