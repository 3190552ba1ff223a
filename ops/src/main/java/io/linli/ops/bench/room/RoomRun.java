package io.linli.ops.bench.room;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One target, measured the same way: connect the crowd, weigh the idle sockets, move the counter, offer chat,
 * then hang up. Every number a {@link RoomTable} prints comes from here.
 */
final class RoomRun {
  /** What one target did. Latencies in ms; memory per connection in bytes. */
  record Result(String name, int nodes, int sockets, int admitted, double connectSeconds,
      RoomTarget.Memory before, RoomTarget.Memory idle,
      double loadBefore, double answeredP50, double answeredP99,
      double updateP50, double updateP99, double allP50, double allP99, long updatesMissing,
      double chatOffered, long chatSent, long chatLines, double chatWindowSeconds, double chatP50, double chatP99,
      double chatFramesPerSocketSecond, double chatCpuSeconds, double generatorCpuSeconds) {

    double heapPerConnection() {
      return (double) (idle.heap() - before.heap()) / Math.max(1, admitted);
    }

    double rssPerConnection() {
      return (double) (idle.rss() - before.rss()) / Math.max(1, admitted);
    }

    /**
     * What a connection costs: for Linli (heap pre-touched, so RSS grows only outside it) heap plus RSS growth;
     * for socket.io the RSS growth, which already holds V8's heap.
     */
    double memoryPerConnection() {
      return name.startsWith("Linli") ? heapPerConnection() + rssPerConnection() : rssPerConnection();
    }

    double deliveredPerSecond() {
      return chatLines / Math.max(1e-9, chatWindowSeconds);
    }

    /** Lines that should have arrived: every line sent, at every socket. */
    double deliveredShare() {
      return chatSent == 0 ? 0 : (double) chatLines / ((double) chatSent * admitted);
    }
  }

  private final Vertx vertx;
  private final RoomBenchOptions options;

  RoomRun(Vertx vertx, RoomBenchOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  /**
   * A short unmeasured round first (1,000 sockets, a few updates, a little chat), so both servers are measured
   * warm: the JVM's JIT and V8's alike.
   */
  void warmUp(RoomTarget target) throws Exception {
    log(target, "warming up");
    target.setUp(1000, 5);
    Crowd crowd = new Crowd(vertx, target.wire(), options.sources(), 5);
    crowd.connect(target.streamId(), target.ports(), 1000, options.inFlight(), target::token);
    for (int n = 1; n <= 5; n++) {
      crowd.updateSentAt.set(n, System.nanoTime());
      target.update(n);
      Thread.sleep(options.updateGapMs());
    }
    new ChatLoad(crowd, crowd.sockets(options.chatSenders()), options.chatRate()).run(3);
    Thread.sleep(1000);
    crowd.close().await();
    Thread.sleep(2000);
  }

  Result run(RoomTarget target, int sockets) throws Exception {
    int updates = options.updates();
    double loadBefore = loadAverage();
    log(target, "setting up the room (load average " + loadBefore + ")");
    target.setUp(sockets, updates);
    RoomTarget.Memory before = target.memory();

    log(target, "opening " + sockets + " sockets");
    Crowd crowd = new Crowd(vertx, target.wire(), options.sources(), updates);
    long started = System.nanoTime();
    crowd.connect(target.streamId(), target.ports(), sockets, options.inFlight(), target::token);
    double connectSeconds = (System.nanoTime() - started) / 1e9;
    int admitted = crowd.admitted();
    log(target, admitted + " in the room (" + crowd.failed() + " failed) after " + String.format("%.1f s", connectSeconds));
    Thread.sleep(3000); // let joins' after-effects (presence, snapshots' garbage) settle
    RoomTarget.Memory idle = target.memory();

    log(target, "moving the counter " + updates + " times, " + options.updateGapMs() + " ms apart");
    Latency answered = new Latency();
    for (int n = 1; n <= updates; n++) {
      long sent = System.nanoTime();
      crowd.updateSentAt.set(n, sent);
      target.update(n).onSuccess(x -> answered.record(System.nanoTime() - sent));
      Thread.sleep(options.updateGapMs());
    }
    long waitUntil = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < waitUntil && !allArrived(crowd, updates, admitted)) {
      Thread.sleep(50);
    }
    Latency all = new Latency();
    long missing = 0;
    for (int n = 1; n <= updates; n++) {
      int arrivals = crowd.updateArrivals.get(n);
      missing += admitted - arrivals;
      if (arrivals == admitted) {
        all.record(crowd.updateLastArrival.get(n) - crowd.updateSentAt.get(n));
      }
    }

    log(target, "offering " + options.chatRate() + " chat lines a second for " + options.chatSeconds() + " s");
    double cpuBefore = RoomTarget.cpuSeconds(target.pids());
    double generatorBefore = RoomTarget.cpuSeconds(List.of(ProcessHandle.current().pid()));
    ChatLoad chat = new ChatLoad(crowd, crowd.sockets(options.chatSenders()), options.chatRate());
    long chatStart = System.nanoTime();
    chat.run(options.chatSeconds());
    long lastCount = -1;
    long quietSince = System.nanoTime();
    long drainUntil = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < drainUntil && System.nanoTime() - quietSince < 2_000_000_000L) {
      long count = crowd.chatLines.sum();
      if (count != lastCount) {
        lastCount = count;
        quietSince = System.nanoTime();
      }
      Thread.sleep(100);
    }
    double chatCpu = RoomTarget.cpuSeconds(target.pids()) - cpuBefore;
    double generatorCpu = RoomTarget.cpuSeconds(List.of(ProcessHandle.current().pid())) - generatorBefore;
    double window = (crowd.lastLineAt.get() - chatStart) / 1e9;
    Result result = new Result(target.name(), target.ports().size(), sockets, admitted, connectSeconds, before, idle,
        loadBefore, answered.percentileMs(0.50), answered.percentileMs(0.99),
        crowd.updateLatency.percentileMs(0.50), crowd.updateLatency.percentileMs(0.99),
        all.percentileMs(0.50), all.percentileMs(0.99), missing,
        options.chatRate(), chat.sent(), crowd.chatLines.sum(), window,
        crowd.chatLatency.percentileMs(0.50), crowd.chatLatency.percentileMs(0.99),
        crowd.chatFrames.sum() / (double) Math.max(1, admitted) / Math.max(1e-9, window), chatCpu, generatorCpu);

    log(target, "hanging up");
    crowd.close().await();
    Thread.sleep(3000);
    return result;
  }

  private static double loadAverage() throws java.io.IOException {
    return Double.parseDouble(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
  }

  private static boolean allArrived(Crowd crowd, int updates, int admitted) {
    for (int n = 1; n <= updates; n++) {
      if (crowd.updateArrivals.get(n) < admitted) {
        return false;
      }
    }
    return true;
  }

  private static void log(RoomTarget target, String what) {
    System.out.println("[room-bench] " + target.name() + " (" + target.ports().size() + " node"
        + (target.ports().size() == 1 ? "" : "s") + "): " + what);
  }

  /** Chat at a steady rate from a few sockets, each line carrying when it was sent. */
  private static final class ChatLoad {
    private final Crowd crowd;
    private final List<WebSocket> senders;
    private final int perSecond;
    private final AtomicLong sent = new AtomicLong();

    ChatLoad(Crowd crowd, List<WebSocket> senders, int perSecond) {
      this.crowd = crowd;
      this.senders = senders;
      this.perSecond = perSecond;
    }

    /** Sends for {@code seconds}, on the caller's thread, catching up every 10 ms. */
    void run(int seconds) throws InterruptedException {
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      int next = 0;
      while (System.nanoTime() < end) {
        long due = (System.nanoTime() - start) * perSecond / 1_000_000_000L;
        while (sent.get() < due) {
          WebSocket ws = senders.get(next++ % senders.size());
          ws.writeTextMessage(crowd.chatFrame("b|" + System.nanoTime()));
          sent.incrementAndGet();
        }
        Thread.sleep(10);
      }
    }

    long sent() {
      return sent.get();
    }
  }
}
