package io.linli.realtime;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes polls whose timer ran out. Every node looks (a cheap indexed query, every {@code every}), so a poll
 * closes on time even when the node that opened it is gone; PollService makes sure each closes once.
 */
final class PollDeadlines {
  private static final Logger LOG = LoggerFactory.getLogger(PollDeadlines.class);

  private final Vertx vertx;
  private final PollService polls;
  private final AtomicBoolean running = new AtomicBoolean();
  private final long timer;

  PollDeadlines(Vertx vertx, PollService polls, Duration every) {
    this.vertx = vertx;
    this.polls = polls;
    this.timer = vertx.setPeriodic(every.toMillis(), id -> sweep());
  }

  private void sweep() {
    if (!running.compareAndSet(false, true)) {
      return; // the last sweep is still going (a slow database): no pile-up
    }
    polls.closeDue()
        .onFailure(e -> LOG.warn("poll deadlines not checked: {}", e.toString()))
        .onComplete(x -> running.set(false));
  }

  void stop() {
    vertx.cancelTimer(timer);
  }
}
