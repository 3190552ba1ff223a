package io.linli.realtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** What the room tells Prometheus: open sockets, frames written, frames a socket did not get. */
final class RoomMetrics {
  private final AtomicInteger open = new AtomicInteger();
  private final MeterRegistry registry;
  private final Counter sent;

  RoomMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("linli.sockets.open", open, AtomicInteger::get)
        .description("Room WebSockets open on this node")
        .register(registry);
    this.sent = Counter.builder("linli.room.frames.sent")
        .description("Frames written to room sockets")
        .register(registry);
  }

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  void sent() {
    sent.increment();
  }

  /** reason: {@code slow} (chat a full socket lost), {@code superseded} (a newer state replaced a waiting one). */
  void dropped(String reason) {
    registry.counter("linli.room.frames.dropped", "reason", reason).increment();
  }
}
