package io.linli.ops.bench.room;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/** Viewer tokens made the way a phone gets one ({@code POST /api/viewers}), shared by every Linli room of a run. */
final class ViewerPool {
  private final Http http;
  private final int port;
  private final List<String> tokens = Collections.synchronizedList(new ArrayList<>());

  ViewerPool(Http http, int port) {
    this.http = http;
    this.port = port;
  }

  /** Makes sure there are at least {@code count} tokens, 64 requests at a time. */
  void ensure(int count) {
    int missing = count - tokens.size();
    if (missing <= 0) {
      return;
    }
    CountDownLatch done = new CountDownLatch(missing);
    Semaphore slots = new Semaphore(64);
    for (int i = 0; i < missing; i++) {
      slots.acquireUninterruptibly();
      Future<Http.Response> made = http.setUp(port, "/api/viewers", null,
          new JsonObject().put("nickname", "邻居" + (tokens.size() + i)));
      made.onComplete(ar -> {
        if (ar.succeeded() && ar.result().status() == 201) {
          tokens.add(ar.result().json().getString("token"));
        } else {
          System.err.println("viewer not made: " + (ar.succeeded() ? ar.result().body() : ar.cause()));
        }
        slots.release();
        done.countDown();
      });
    }
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (tokens.size() < count) {
      throw new IllegalStateException("only " + tokens.size() + " of " + count + " viewers were made");
    }
  }

  List<String> tokens() {
    return tokens;
  }
}
