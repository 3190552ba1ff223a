package io.linli.core.local;

import io.linli.core.local.LocalServices.Mode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A redis-server child process on a free loopback port, data in {@code <dataDir>/redis}, output in
 * {@code redis.log} there. Uses the installed redis-server, else the one bundled in the embedded-redis jar.
 */
public final class LocalRedis implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalRedis.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final int ATTEMPTS = 3;

  private final Process process;
  private final int port;
  private final DirLock lock;
  private final ExitHook exitHook;
  private boolean closed;

  private LocalRedis(Process process, int port, DirLock lock) {
    this.process = process;
    this.port = port;
    this.lock = lock;
    this.exitHook = ExitHook.register("linli-redis-stop", this::close);
  }

  /** Blocks until Redis answers PING. */
  public static LocalRedis start(Path dataDir, Mode mode) {
    long started = System.nanoTime();
    Path dir = dataDir.resolve("redis");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LocalServicesException("cannot create " + dir + ": " + e.getMessage() + "; choose another data folder");
    }
    DirLock lock = DirLock.acquire(dir.resolve("redis.lock"), "Redis");
    try {
      Path binary = binary();
      stopOrphan(dir.resolve("redis.pid"));
      for (int attempt = 1; ; attempt++) {
        int port = FreePort.pick();
        Path logFile = dir.resolve("redis.log");
        long logStart = Commands.size(logFile);
        Process process = launch(binary, dir, port, mode, logFile);
        if (awaitPong(process, port)) {
          log.info("Redis started on redis://{}:{} ({}, data in {}, {} ms)", FreePort.HOST, port,
              mode == Mode.DURABLE ? "durable" : "throwaway", dir, (System.nanoTime() - started) / 1_000_000);
          return new LocalRedis(process, port, lock);
        }
        String output = Commands.tail(logFile, logStart);
        // Another process may have taken the port between our probe and Redis binding it: try another one.
        if (attempt == ATTEMPTS || !output.contains("Address already in use")) {
          throw new LocalServicesException("Redis did not start: " + Commands.lastLine(output) + " (see " + logFile
              + "); install redis-server or set LINLI_REDIS_URL");
        }
      }
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://" + FreePort.HOST + ":" + port;
  }

  /** Leaves stopping at exit to {@link LocalServices#stopOnExitAfter}, which has something to finish first. */
  void cancelExitHook() {
    exitHook.cancel();
  }

  /** SIGTERM: Redis flushes its append-only file (durable) and exits. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop(process.toHandle());
    lock.close();
    exitHook.cancel();
    log.info("Redis on port {} stopped", port);
  }

  private static Path binary() {
    Path installed = Binaries.find("redis-server", "/usr/bin", "/usr/local/bin");
    if (installed != null) {
      return installed;
    }
    try {
      Path bundled = ExecutableProvider.newJarResourceProvider().get().toPath();
      bundled.toFile().setExecutable(true);
      return bundled;
    } catch (IOException | RuntimeException e) {
      throw new LocalServicesException("Redis not found: install it (apt-get install redis-server) or set LINLI_REDIS_URL");
    }
  }

  private static Process launch(Path binary, Path dir, int port, Mode mode, Path logFile) {
    List<String> command = new ArrayList<>(List.of(binary.toString(),
        "--port", String.valueOf(port),
        "--bind", FreePort.HOST,
        "--dir", dir.toString(),
        "--pidfile", dir.resolve("redis.pid").toString(),
        "--daemonize", "no"));
    if (mode == Mode.DURABLE) {
      // The append-only file is the durable copy (PostgreSQL is the record), so no RDB snapshots on top of it.
      // Redis rewrites the file once it has doubled and passed a minimum size; at its 64 MB default a sale's
      // counter writes (about 7 MB/s at 8,000 joins/s) had it fork and rewrite every 5 s (ops/bench/FINDINGS.md §24).
      command.addAll(List.of("--appendonly", "yes", "--save", "", "--auto-aof-rewrite-min-size", "1gb"));
    } else {
      command.addAll(List.of("--save", "", "--appendonly", "no"));
    }
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    try {
      return builder.start();
    } catch (IOException e) {
      throw new LocalServicesException("cannot run " + binary + ": " + e.getMessage()
          + "; install redis-server or set LINLI_REDIS_URL");
    }
  }

  /** True once Redis answers; false if it exited; throws if it neither answers nor exits in time. */
  private static boolean awaitPong(Process process, int port) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      if (ping(port)) {
        return true;
      }
      sleep(20);
    }
    stop(process.toHandle());
    throw new LocalServicesException("Redis did not answer on port " + port + " within " + READY_TIMEOUT.toSeconds()
        + " s; set LINLI_REDIS_URL to use another Redis");
  }

  static boolean ping(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(FreePort.HOST, port), 500);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[64];
      int n = in.read(reply);
      // "-LOADING" while it replays the append-only file: not ready yet.
      return n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A redis-server still running on this folder although we hold its lock was left by a JVM that got killed;
   * two servers appending to one file would corrupt it.
   */
  private static void stopOrphan(Path pidFile) {
    Optional<ProcessHandle> orphan = readPid(pidFile).flatMap(ProcessHandle::of)
        .filter(p -> p.info().command().map(c -> c.contains("redis")).orElse(false));
    if (orphan.isPresent()) {
      log.warn("Stopping Redis (pid {}) left running on {} by an earlier run", orphan.get().pid(), pidFile.getParent());
      stop(orphan.get());
    }
  }

  private static Optional<Long> readPid(Path pidFile) {
    try {
      return Files.exists(pidFile) ? Optional.of(Long.parseLong(Files.readString(pidFile).strip())) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void stop(ProcessHandle process) {
    process.destroy();
    // Polling, not onExit(): for a process that is not our child (an orphan) onExit polls slowly, up to seconds.
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while (process.isAlive() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (process.isAlive()) {
      log.warn("Redis (pid {}) did not stop within {} s; killing it", process.pid(), STOP_TIMEOUT.toSeconds());
      process.destroyForcibly();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalServicesException("interrupted while waiting for Redis to start");
    }
  }
}
