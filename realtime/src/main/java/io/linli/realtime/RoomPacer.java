package io.linli.realtime;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One stream's frames on this node, on their way to its sockets. Chatter (messages, system lines, joins) goes
 * out at most {@code framesPerSecond} times a second: the first after a quiet spell at once, the rest gathered
 * into one {@code chat.batch} per interval, encoded once for every socket. Above {@code sampleAbove} chatter a
 * second, viewers' lines are sampled (a token bucket keeps an even share of them); the host's and staff's never
 * are.
 *
 * <p>Frames keep seq order, and nothing else waits for chatter: any other frame (a state, deal.formed, a
 * moderation event) sends the chatter gathered so far ahead of itself and goes at once. So a socket gets at
 * most {@code framesPerSecond} chat frames a second plus, rarely, one just before another frame. A message
 * deleted while it is still gathered here is never sent.
 *
 * <p>Frames arrive on the pub/sub thread and batches leave on a timer; a lock keeps the two in order.
 */
final class RoomPacer {
  private final Vertx vertx;
  private final long intervalNanos;
  private final TokenBucket sample;
  private final RoomMetrics metrics;
  private final Consumer<RoomFrame> out;
  private final List<RoomFrame> pending = new ArrayList<>();
  private long lastChatter;
  private long timer = -1;
  private boolean closed;

  RoomPacer(Vertx vertx, int framesPerSecond, int sampleAbove, RoomMetrics metrics, Consumer<RoomFrame> out) {
    this.vertx = vertx;
    this.intervalNanos = 1_000_000_000L / framesPerSecond;
    this.sample = new TokenBucket(sampleAbove, sampleAbove);
    this.metrics = metrics;
    this.out = out;
    this.lastChatter = System.nanoTime() - intervalNanos;
  }

  synchronized void offer(RoomFrame frame) {
    if (closed) {
      return;
    }
    if (frame.kind() != RoomFrame.Kind.CHAT) {
      if (RoomFrame.CHAT_DELETED.equals(frame.type()) && frame.subject() != null) {
        pending.removeIf(f -> frame.subject().equals(f.subject()) && RoomFrame.CHAT_MESSAGE.equals(f.type()));
      }
      sendPending(); // what came before it goes before it
      out.accept(frame);
      return;
    }
    if (frame.sampled() && !sample.tryTake()) {
      metrics.dropped("sampled");
      return;
    }
    long now = System.nanoTime();
    if (pending.isEmpty() && timer < 0 && now - lastChatter >= intervalNanos) {
      lastChatter = now;
      out.accept(frame);
      return;
    }
    pending.add(frame);
    if (timer < 0) {
      long waitMs = Math.max(1, (lastChatter + intervalNanos - now + 999_999) / 1_000_000);
      timer = vertx.setTimer(waitMs, id -> flush());
    }
  }

  private synchronized void flush() {
    timer = -1;
    if (!closed) {
      sendPending();
    }
  }

  /** Caller holds the lock. */
  private void sendPending() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (pending.isEmpty()) {
      return;
    }
    lastChatter = System.nanoTime();
    out.accept(pending.size() == 1 ? pending.get(0) : RoomFrame.batch(pending));
    pending.clear();
  }

  /** The stream has no sockets left on this node: what waits goes nowhere. */
  synchronized void close() {
    closed = true;
    pending.clear();
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
