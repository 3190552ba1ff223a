package io.linli.core.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs short-lived tools (initdb, pg_ctl, chown) and collects what they printed. */
final class Commands {
  private Commands() {}

  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }

    String reason() {
      return Commands.reason(output);
    }
  }

  static Result run(List<String> command, Duration timeout) {
    Path out = null;
    try {
      // A file, not a pipe: pg_ctl forks the server, and a pipe a grandchild inherits would never close.
      out = Files.createTempFile("linli-cmd-", ".out");
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(new File("/")) // the unprivileged postgres user may not be allowed into our working dir
          .redirectErrorStream(true)
          .redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      scrub(builder.environment());
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Result(-1, String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalServicesException("interrupted while running " + command.get(0));
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a stray temp file is harmless
        }
      }
    }
  }

  /** PG* variables (PGPORT, PGDATA, ...) meant for the user's own tools must not steer ours. */
  static void scrub(Map<String, String> environment) {
    environment.keySet().removeIf(name -> name.startsWith("PG"));
  }

  /** The line that says what went wrong: the last error line, else the last line (tools end with hints). */
  static String reason(String text) {
    return text.lines().map(String::strip)
        .filter(line -> line.contains("error:") || line.contains("FATAL") || line.contains("PANIC"))
        .reduce((first, second) -> second)
        .orElse(lastLine(text));
  }

  static String lastLine(String text) {
    String[] lines = text.strip().split("\\R");
    return lines.length == 0 ? "" : lines[lines.length - 1].strip();
  }

  /** The end of a log file, for error messages; empty when it can't be read. */
  static String tail(Path file, long fromByte) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      int from = (int) Math.min(Math.max(fromByte, 0), bytes.length);
      return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
