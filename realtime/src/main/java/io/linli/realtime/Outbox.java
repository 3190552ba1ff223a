package io.linli.realtime;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One socket's bounded outbound queue (used on the socket's event loop only). Writes never wait: while the
 * socket has fewer than {@code maxQueued} frames in flight they go straight out; beyond that a chat frame is
 * dropped, a state frame waits as the latest of its key, any other event waits in order. A queue that stays
 * full for {@code stuckAfter}, or that would have to hold more events than it may, gives up on the socket.
 *
 * <p>Frames are written to the socket's Netty channel already framed ({@link SharedText}); Netty's frame encoder
 * lets bytes pass. Vert.x's {@code WebSocket} can only write a frame object that Netty then encodes and copies
 * for each socket, and Vert.x 5 has no public way to reach the channel: {@code ConnectionBase} (an
 * implementation class, as in {@link ConnectionCutter}) gives it. Inside {@link #batch} the writes are flushed once at the end, so the frames the hub hands
 * over together cost one system call per socket. Vert.x's own writes (pongs, the close frame) still go through
 * Vert.x on the same event loop, so nothing interleaves inside a frame.
 */
final class Outbox {
  /** Makes a socket's outbox; {@code onStuck} closes the socket. */
  @FunctionalInterface
  interface Factory {
    Outbox create(ServerWebSocket ws, HttpConnection connection, Runnable onStuck);
  }

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final int maxQueued;
  /** The longest frame written whole; longer messages go out as continuation frames. */
  private final int maxFrameBytes;
  private final long stuckAfterMs;
  private final RoomMetrics metrics;
  private final Runnable onStuck;
  /** Frames waiting for room, oldest first; state frames keyed "s:" + key, events "e:" + a counter. */
  private final LinkedHashMap<String, SharedText> waiting = new LinkedHashMap<>();
  private int waitingEvents;
  private long eventNumber;
  private int inFlight;
  private long fullSince = -1;
  private boolean flushing;
  private boolean closed;
  private final Channel channel;
  private int batchDepth;
  private boolean unflushed;

  Outbox(Vertx vertx, ServerWebSocket ws, HttpConnection connection, int maxQueued, int maxFrameBytes, long stuckAfterMs, RoomMetrics metrics,
      Runnable onStuck) {
    this.vertx = vertx;
    this.ws = ws;
    this.maxQueued = maxQueued;
    this.maxFrameBytes = maxFrameBytes;
    this.stuckAfterMs = stuckAfterMs;
    this.metrics = metrics;
    this.onStuck = onStuck;
    this.channel = ((ConnectionBase) connection).channel();
    ws.drainHandler(v -> drain());
  }

  /** Runs {@code writes} (sends to this socket) and flushes what they wrote once, at the end. */
  void batch(Runnable writes) {
    batchDepth++;
    try {
      writes.run();
    } finally {
      if (--batchDepth == 0 && unflushed) {
        unflushed = false;
        channel.flush();
      }
    }
  }

  void send(RoomFrame.Kind kind, String stateKey, SharedText text) {
    if (closed || ws.isClosed()) {
      // The peer may have closed before our close handler ran: nothing more can go out.
      close();
      return;
    }
    drain();
    if (waiting.isEmpty() && !full()) {
      write(text);
      return;
    }
    switch (kind) {
      case CHAT -> metrics.dropped("slow");
      case STATE -> {
        // Re-inserted at the end so frames still leave in seq order.
        if (waiting.remove("s:" + stateKey) != null) {
          metrics.dropped("superseded");
        }
        waiting.put("s:" + stateKey, text);
      }
      case SNAPSHOT -> {
        // Everything waiting is older than the snapshot and contained in it.
        waiting.clear();
        waitingEvents = 0;
        waiting.put("e:" + (eventNumber++), text);
        waitingEvents++;
      }
      case EVENT -> {
        if (waitingEvents >= maxQueued) {
          // It cannot be told the truth any more; closing lets it come back and resume or re-snapshot.
          onStuck.run();
          return;
        }
        waiting.put("e:" + (eventNumber++), text);
        waitingEvents++;
      }
    }
    becameFull();
  }

  void close() {
    closed = true;
    waiting.clear();
  }

  private boolean full() {
    return inFlight >= maxQueued || !channel.isWritable() || ws.writeQueueFull();
  }

  /** Sends what waits, oldest first, while there is room. */
  private void drain() {
    if (closed || ws.isClosed()) {
      close();
      return;
    }
    if (flushing) {
      return; // a write completed synchronously inside the loop below; the loop carries on
    }
    flushing = true;
    try {
      while (!waiting.isEmpty() && !full() && !closed) {
        Iterator<Map.Entry<String, SharedText>> oldest = waiting.entrySet().iterator();
        Map.Entry<String, SharedText> next = oldest.next();
        oldest.remove();
        if (next.getKey().startsWith("e:")) {
          waitingEvents--;
        }
        write(next.getValue());
      }
    } finally {
      flushing = false;
    }
    if (waiting.isEmpty() && !full()) {
      fullSince = -1;
    }
  }

  private void write(SharedText text) {
    inFlight++;
    metrics.sent();
    ChannelPromise written = channel.newPromise();
    // Netty completes it on the channel's event loop, which is this socket's, and only then updates the
    // channel's writability: what waits is sent in a task of its own, when the channel knows.
    written.addListener(f -> {
      inFlight--;
      if (fullSince >= 0 || !waiting.isEmpty()) {
        channel.eventLoop().execute(this::drain);
      }
    });
    channel.write(text.wire(maxFrameBytes), written);
    if (batchDepth == 0) {
      channel.flush();
    } else {
      unflushed = true;
    }
  }

  private void becameFull() {
    if (fullSince < 0) {
      fullSince = System.nanoTime();
      checkStuckIn(stuckAfterMs);
    }
  }

  private void checkStuckIn(long delayMs) {
    vertx.setTimer(Math.max(1, delayMs), id -> {
      if (closed || fullSince < 0) {
        return;
      }
      long fullForMs = (System.nanoTime() - fullSince) / 1_000_000;
      if (fullForMs >= stuckAfterMs) {
        onStuck.run();
      } else {
        checkStuckIn(stuckAfterMs - fullForMs);
      }
    });
  }
}
