package io.linli.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.testing.TestPlatform;
import io.linli.core.testing.TestServices;
import io.linli.ops.Node;
import io.linli.ops.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The join benchmark in its quick form, (a) and (b) against a real node: both must sell and hold every invariant.
 * The numbers mean nothing this short; what this catches is a benchmark that no longer measures, such as the
 * row-lock baseline answering in a form the load generator refuses, which a full run once reported as 0 joins/s.
 */
class JoinBenchSmokeTest {
  @Test
  void aQuickRunOfBothHttpSystemsSellsAndHoldsEveryInvariant() throws Exception {
    String databaseUrl = TestNode.freshDatabase();
    System.setProperty(RowLockBaseline.ENABLE_PROPERTY, "true");
    Node node;
    try {
      node = TestNode.start(databaseUrl);
    } finally {
      System.clearProperty(RowLockBaseline.ENABLE_PROPERTY);  // read once, when the router is built
    }
    Path out = Files.createTempFile("join-bench", ".md");
    try {
      BenchOptions options = BenchOptions.parse(new String[] {"--port", Integer.toString(node.port()),
          "--redis-url", TestServices.get().redisUrl(), "--database-url", databaseUrl, "--quick", "--systems", "ab",
          "--out", out.toString()}, Map.of("LINLI_TOKEN_SECRET", TestPlatform.TOKEN_SECRET));

      int status = new JoinBench(options).run();

      String report = Files.readString(out);
      assertThat(status).as(report).isZero();
      assertThat(report).doesNotContain("FAIL");
      assertThat(joinsPerSecond(report, "| (a) ")).as(report).isPositive();
      assertThat(joinsPerSecond(report, "| (b) ")).as(report).isPositive();
      // The test cluster runs without fsync: the window's WAL line is there, and says it flushed nothing.
      assertThat(report.lines().filter(l -> l.equals("- PostgreSQL's WAL flushes in the window: none (fsync off,"
          + " or nothing committed)"))).as(report).hasSize(2);
      // Each window also says how many fresh pages each process took, which a heap left to resize made dear.
      assertThat(report.lines().filter(l -> l.matches("- minor page faults per request in the window: node [0-9.]+,"
          + " PostgreSQL [0-9.]+, Redis [0-9.]+, load generator [0-9.]+"))).as(report).hasSize(2);
    } finally {
      Files.deleteIfExists(out);
      node.close().await();
    }
  }

  /** The system's joins/s, the table's second column ("| (a) Linli join path | 2,965 | ..."). */
  private static int joinsPerSecond(String report, String row) {
    String line = report.lines().filter(l -> l.startsWith(row)).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + row + " in " + report));
    return Integer.parseInt(line.split("\\|")[2].trim().replace(",", ""));
  }
}
