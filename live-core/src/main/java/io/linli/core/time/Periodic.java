package io.linli.core.time;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background sweep run every so often on the event loop. A tick that comes while the previous run is still
 * going is skipped, so a slow database never piles sweeps on top of each other; a failed run is logged and the
 * next tick tries again.
 */
public final class Periodic {
  private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

  private final Vertx vertx;
  private final long timer;

  private Periodic(Vertx vertx, long timer) {
    this.vertx = vertx;
    this.timer = timer;
  }

  public static Periodic every(Vertx vertx, long periodMs, String what, Supplier<Future<?>> run) {
    AtomicBoolean running = new AtomicBoolean();
    long timer = vertx.setPeriodic(periodMs, id -> {
      if (running.compareAndSet(false, true)) {
        Future<?> done;
        try {
          done = run.get();
        } catch (RuntimeException e) {
          done = Future.failedFuture(e);
        }
        done.onComplete(ar -> {
          running.set(false);
          if (ar.failed()) {
            LOG.warn("{} failed", what, ar.cause());
          }
        });
      }
    });
    return new Periodic(vertx, timer);
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }
}
