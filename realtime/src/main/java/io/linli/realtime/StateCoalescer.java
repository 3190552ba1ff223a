package io.linli.realtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate-limits state frames per (stream, key): leading edge at once, then at most one frame per interval (the
 * default, or the one given with the offer), the trailing one carrying the highest version offered meanwhile. Callers come from any thread; each key's slot
 * is guarded by its own lock, held only to swap a few fields.
 */
final class StateCoalescer {
  private static final Logger LOG = LoggerFactory.getLogger(StateCoalescer.class);

  record StateKey(long streamId, String key) {}

  interface Sender {
    Future<Void> send(long streamId, JsonObject frame);
  }

  private final Vertx vertx;
  private final long intervalMs;
  private final Sender sender;
  private final ConcurrentHashMap<StateKey, Slot> slots = new ConcurrentHashMap<>();
  private volatile boolean closed;

  StateCoalescer(Vertx vertx, Duration interval, Sender sender) {
    this.vertx = vertx;
    this.intervalMs = Math.max(1, interval.toMillis());
    this.sender = sender;
  }

  private static final class Slot {
    final long intervalMs;
    long highest = Long.MIN_VALUE;
    /** True from a send until the interval after it ends with nothing new. */
    boolean cooling;
    JsonObject pending;
    long timer = -1;
    boolean retired;

    Slot(long intervalMs) {
      this.intervalMs = intervalMs;
    }
  }

  void offer(StateKey key, long version, JsonObject frame) {
    offer(key, version, frame, intervalMs);
  }

  /** With its own interval: a state that changes all the time but matters little (the viewer count). */
  void offer(StateKey key, long version, JsonObject frame, long keyIntervalMs) {
    if (closed) {
      return;
    }
    while (true) {
      Slot slot = slots.computeIfAbsent(key, k -> new Slot(Math.max(1, keyIntervalMs)));
      JsonObject now = null;
      synchronized (slot) {
        if (slot.retired) {
          continue; // the slot was dropped after a quiet interval; a fresh one takes its place
        }
        if (version <= slot.highest) {
          return; // an older value arriving late must not overwrite a newer one
        }
        slot.highest = version;
        if (slot.cooling) {
          slot.pending = frame;
        } else {
          slot.cooling = true;
          slot.timer = vertx.setTimer(slot.intervalMs, id -> intervalEnded(key, slot));
          now = frame;
        }
      }
      if (now != null) {
        send(key, now);
      }
      return;
    }
  }

  private void intervalEnded(StateKey key, Slot slot) {
    JsonObject next;
    synchronized (slot) {
      next = slot.pending;
      slot.pending = null;
      if (next == null || closed) {
        slot.cooling = false;
        slot.retired = true;
        slot.timer = -1;
        slots.remove(key, slot);
      } else {
        slot.timer = vertx.setTimer(slot.intervalMs, id -> intervalEnded(key, slot));
      }
    }
    if (next != null) {
      send(key, next);
    }
  }

  private void send(StateKey key, JsonObject frame) {
    sender.send(key.streamId(), frame)
        .onFailure(e -> LOG.warn("state {} of stream {} not published: {}", key.key(), key.streamId(), e.toString()));
  }

  Future<Void> close() {
    closed = true;
    List<Future<Void>> flushed = new ArrayList<>();
    slots.forEach((key, slot) -> {
      JsonObject last;
      synchronized (slot) {
        last = slot.pending;
        slot.pending = null;
        slot.retired = true;
        if (slot.timer >= 0) {
          vertx.cancelTimer(slot.timer);
        }
      }
      if (last != null) {
        flushed.add(sender.send(key.streamId(), last));
      }
    });
    slots.clear();
    return Future.join(flushed).mapEmpty();
  }
}
