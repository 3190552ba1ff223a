package io.linli.ops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine the numbers were measured on, for the report: they mean little without it. */
final class Machine {
  private Machine() {}

  static String describe() {
    return Runtime.getRuntime().availableProcessors() + " cores (nproc), " + cpuModel() + ", "
        + memoryGib() + " GiB RAM, Linux " + System.getProperty("os.version") + ", Java "
        + System.getProperty("java.version") + "; load average before the run: " + loadAverage();
  }

  static String loadAverage() {
    String[] f = read("/proc/loadavg").split(" ");
    return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "?";
  }

  private static String cpuModel() {
    return read("/proc/cpuinfo").lines().filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
  }

  private static String memoryGib() {
    return read("/proc/meminfo").lines().filter(l -> l.startsWith("MemTotal:"))
        .map(l -> String.format("%.1f", Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
        .findFirst().orElse("?");
  }

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      return "";
    }
  }
}
