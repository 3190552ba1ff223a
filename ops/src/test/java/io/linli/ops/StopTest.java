package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shop owner's Ctrl-C (SIGTERM) on {@code linli serve} with its own local Redis and PostgreSQL: the node closes
 * its clients before the services stop, and the stop logs no stack trace.
 */
class StopTest {
  @TempDir
  Path dataDir;

  @Test
  void sigtermClosesTheNodeBeforeItsLocalServicesAndLogsNoStackTrace() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve")
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("LINLI_"));
    builder.environment().put("LINLI_DATA_DIR", dataDir.toString());
    builder.environment().put("LINLI_PORT", "0");
    Path log = dataDir.resolve("node.log");
    Process node = builder.redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.readString(log).contains("listening on port")) {
        assertThat(node.isAlive()).as("node running; output:%n%s", Files.readString(log)).isTrue();
        assertThat(System.nanoTime()).as("node listening within 90 s").isLessThan(deadline);
        Thread.sleep(100);
      }
      node.destroy();
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node stopped within 60 s").isTrue();
    } finally {
      node.destroyForcibly();
    }

    List<String> lines = Files.readAllLines(log);
    String output = String.join("\n", lines);
    int nodeClosed = indexOf(lines, "Linli node ", " closed");
    int redisStopped = indexOf(lines, "Redis on port ", " stopped");
    int postgresStopped = indexOf(lines, "PostgreSQL on port ", " stopped");
    assertThat(nodeClosed).as("node closed; output:%n%s", output).isNotNegative();
    assertThat(redisStopped).as("Redis stopped after the node closed; output:%n%s", output).isGreaterThan(nodeClosed);
    assertThat(postgresStopped).as("PostgreSQL stopped after the node closed; output:%n%s", output)
        .isGreaterThan(nodeClosed);
    assertThat(lines).as("no stack trace on stop; output:%n%s", output)
        .noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
  }

  private static int indexOf(List<String> lines, String start, String end) {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int at = line.indexOf(start);
      if (at >= 0 && line.indexOf(end, at + start.length()) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
