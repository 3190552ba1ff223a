package io.linli.realtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Shares snapshot builds among the sockets of a stream that ask at about the same time. In a join storm
 * (a link posted to a big chat group: thousands of phones in a few seconds) each build costs Redis and three
 * PostgreSQL reads; shared, one build serves everyone who asked while the previous one ran.
 *
 * <p>A socket is never handed a snapshot begun before it asked: a request that comes while a build is under
 * way waits for the next one, which starts when that one ends. So the rule the room relies on holds: every
 * frame published before the request (the socket's subscription was confirmed first) is in the snapshot it
 * gets, or after it. Each answer completes on the asker's own context.
 */
final class SnapshotFlights {
  private static final class Flight {
    boolean building;
    List<Promise<RoomFrame>> waiting = new ArrayList<>();
  }

  private final Vertx vertx;
  private final LongFunction<Future<RoomFrame>> build;
  private final Map<Long, Flight> flights = new HashMap<>();

  SnapshotFlights(Vertx vertx, LongFunction<Future<RoomFrame>> build) {
    this.vertx = vertx;
    this.build = build;
  }

  Future<RoomFrame> take(long streamId) {
    Promise<RoomFrame> answer = ((ContextInternal) vertx.getOrCreateContext()).promise();
    boolean start;
    synchronized (flights) {
      Flight flight = flights.computeIfAbsent(streamId, id -> new Flight());
      flight.waiting.add(answer);
      start = !flight.building;
      flight.building = true;
    }
    if (start) {
      launch(streamId);
    }
    return answer.future();
  }

  /** Builds for everyone waiting now; whoever asks meanwhile waits for the build after this one. */
  private void launch(long streamId) {
    List<Promise<RoomFrame>> boarding;
    synchronized (flights) {
      Flight flight = flights.get(streamId);
      boarding = flight.waiting;
      flight.waiting = new ArrayList<>();
    }
    Future<RoomFrame> built;
    try {
      built = build.apply(streamId);
    } catch (RuntimeException e) {
      built = Future.failedFuture(e);
    }
    built.onComplete(result -> {
      boarding.forEach(answer -> answer.handle(result));
      boolean again;
      synchronized (flights) {
        Flight flight = flights.get(streamId);
        again = !flight.waiting.isEmpty();
        if (!again) {
          flights.remove(streamId);
        }
      }
      if (again) {
        launch(streamId);
      }
    });
  }
}
