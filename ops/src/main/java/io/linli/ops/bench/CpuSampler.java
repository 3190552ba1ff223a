package io.linli.ops.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went during a window, by process, from /proc: the node, this load generator, Redis,
 * PostgreSQL (all its backends), and everything else. Everything shares the same few cores, so this is the first
 * thing to look at when a system falls short: is the server busy, or the generator, or the database?
 *
 * <p>It also counts each group's minor page faults: on a machine where a fault is dear, a process that keeps
 * taking fresh pages (a heap left to grow and shrink) spends its CPU there (ops/bench/FINDINGS.md, section 29).
 */
final class CpuSampler {
  private static final long TICKS_PER_SECOND = 100;
  private static final List<String> GROUPS = List.of("node", "generator", "postgres", "redis", "other", "idle");
  private final long nodePid;
  private final long selfPid = ProcessHandle.current().pid();

  /**
   * Shares of the machine's total CPU capacity over the window, in percent, by group (sums to about 100), and
   * the CPU seconds each group used (ticks are USER_HZ, 100 a second on Linux).
   */
  record Split(Map<String, Double> percent, Map<String, Double> seconds, Map<String, Long> faults) {
    /** CPU time one group spent per request, in microseconds: what a request costs it, whoever else is busy. */
    double microsPerRequest(String group, long requests) {
      return requests == 0 ? Double.NaN : seconds.getOrDefault(group, 0.0) * 1e6 / requests;
    }

    /** Minor page faults one group took per request. */
    double faultsPerRequest(String group, long requests) {
      return requests == 0 ? Double.NaN : faults.getOrDefault(group, 0L) / (double) requests;
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      percent.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ')
          .append(Math.round(v)).append('%'));
      return s.toString();
    }
  }

  /** Ticks and minor page faults by group at one moment. */
  record Sample(Map<String, Long> ticks, Map<String, Long> faults) {}

  CpuSampler(long nodePid) {
    this.nodePid = nodePid;
  }

  boolean available() {
    return Files.isReadable(Path.of("/proc/stat"));
  }

  /** Ticks and faults by group now, or null if /proc cannot be read. */
  Sample sample() {
    Map<String, Long> ticks = new LinkedHashMap<>();
    Map<String, Long> faults = new LinkedHashMap<>();
    GROUPS.forEach(g -> ticks.put(g, 0L));
    long[] machine = machineTicks();
    long named = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String group = group(Long.parseLong(name), p);
        if (group != null) {
          Usage usage = processUsage(p);
          ticks.merge(group, usage.ticks(), Long::sum);
          faults.merge(group, usage.faults(), Long::sum);
          named += usage.ticks();
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // /proc could not be listed: no split rather than a wrong one.
      return null;
    }
    ticks.put("idle", machine[1]);
    ticks.put("other", machine[0] - machine[1] - named);
    return new Sample(ticks, faults);
  }

  /** The split between two samples, or null if either could not be taken. */
  Split between(Sample before, Sample after) {
    if (before == null || after == null) {
      return null;
    }
    Map<String, Long> delta = new LinkedHashMap<>();
    for (String g : GROUPS) {
      long d = Math.max(0, after.ticks().getOrDefault(g, 0L) - before.ticks().getOrDefault(g, 0L));
      delta.put(g, d);
    }
    // "other" is the machine's busy time minus the named processes: it can go slightly negative from rounding.
    long total = delta.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Double> percent = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    Map<String, Long> faults = new LinkedHashMap<>();
    for (String g : GROUPS) {
      percent.put(g, total == 0 ? 0 : 100.0 * delta.get(g) / total);
      seconds.put(g, delta.get(g) / (double) TICKS_PER_SECOND);
      faults.put(g, Math.max(0, after.faults().getOrDefault(g, 0L) - before.faults().getOrDefault(g, 0L)));
    }
    return new Split(percent, seconds, faults);
  }

  private String group(long pid, Path proc) {
    if (pid == nodePid) {
      return "node";
    }
    if (pid == selfPid) {
      return "generator";
    }
    String comm = read(proc.resolve("comm")).trim();
    if (comm.equals("postgres") || comm.equals("postmaster")) {
      return "postgres";
    }
    if (comm.startsWith("redis-server")) {
      return "redis";
    }
    return null;
  }

  /** What one process has used so far: CPU in clock ticks, and minor page faults. */
  private record Usage(long ticks, long faults) {
    static final Usage NONE = new Usage(0, 0);
  }

  /**
   * The usage of a process (all its threads), each count with its children that have ended: PostgreSQL backends
   * that closed and Redis' append-only-file rewrites (forked, named redis-server too) would otherwise vanish from
   * their group between two samples.
   */
  private static Usage processUsage(Path proc) {
    String stat = read(proc.resolve("stat"));
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return Usage.NONE;
    }
    String[] f = stat.substring(close + 2).split(" ");
    // After "pid (comm) ": state is f[0]; minflt, cminflt (fields 10-11 of the line) are f[7..8]; utime, stime,
    // cutime, cstime (fields 14-17) are f[11..14].
    if (f.length <= 14) {
      return Usage.NONE;
    }
    return new Usage(Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]),
        Long.parseLong(f[7]) + Long.parseLong(f[8]));
  }

  /** {all ticks, idle + iowait ticks} of the whole machine. */
  private static long[] machineTicks() {
    String line = read(Path.of("/proc/stat")).lines().findFirst().orElse("cpu");
    String[] f = line.trim().split("\\s+");
    long all = 0;
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      all += Long.parseLong(f[i]);
    }
    long idle = f.length > 5 ? Long.parseLong(f[4]) + Long.parseLong(f[5]) : 0;
    return new long[] {all, idle};
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
