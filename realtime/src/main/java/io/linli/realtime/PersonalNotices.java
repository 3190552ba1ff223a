package io.linli.realtime;

import io.linli.core.viewer.ViewerNotices;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of every viewer's personal channel: one PostgreSQL LISTEN on {@link ViewerNotices#CHANNEL}
 * for the whole node (not one per socket), and the sockets of each viewer on this node (their personal
 * sockets and their room sockets). A ring names a viewer and an event; a node with none of that viewer's
 * sockets ignores it, one with some reads that viewer's notices from the event on (once for all their
 * sockets, never two reads at once per viewer: rings that come meanwhile are folded into the next read) and
 * hands them to each socket on its own event loop. Reading from the ring's event, not from the newest one
 * sent, catches a change that committed after a later-numbered one; sockets skip ids they already sent.
 */
final class PersonalNotices {
  private static final Logger LOG = LoggerFactory.getLogger(PersonalNotices.class);
  private static final long RETRY_MS = 1000;

  /** A socket that carries its viewer's notices; every call comes on its {@link #context()}. */
  interface Sink {
    long viewerId();

    Context context();

    /** A notice (its text encoded once per node); the sink skips an id it already sent. */
    void notice(long eventId, SharedText text);

    /** The node's LISTEN was lost for a while: rings may have been missed. */
    void gap();
  }

  /** One viewer's sockets on this node, and the read that serves them. */
  private static final class Feed {
    final long viewerId;
    volatile List<Sink> sinks = List.of();
    /** Read notices after this id next (Long.MAX_VALUE: nothing rang). Guarded by the feed. */
    long pendingAfter = Long.MAX_VALUE;
    boolean reading;

    Feed(long viewerId) {
      this.viewerId = viewerId;
    }
  }

  private final Vertx vertx;
  private final PgConnectOptions connectOptions;
  private final ConcurrentHashMap<Long, Feed> feeds = new ConcurrentHashMap<>();
  private final AtomicInteger subscriptions = new AtomicInteger();
  private volatile ViewerNotices source = ViewerNotices.NONE;
  private PgSubscriber subscriber;
  private Future<Void> listening;

  PersonalNotices(Vertx vertx, PgConnectOptions connectOptions) {
    this.vertx = vertx;
    this.connectOptions = connectOptions;
  }

  /** Where notices are read from (commerce's record); set once the module that keeps it is built. */
  void source(ViewerNotices source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  ViewerNotices source() {
    return source;
  }

  /**
   * Listens (once per node); the future completes when the LISTEN is in place, after which no committed ring is
   * missed while the connection holds. A lost connection is retried every second, forever.
   */
  synchronized Future<Void> listening() {
    if (listening == null) {
      Promise<Void> subscribed = Promise.promise();
      subscriber = PgSubscriber.subscriber(vertx, connectOptions).reconnectPolicy(attempt -> RETRY_MS);
      subscriber.channel(ViewerNotices.CHANNEL)
          .subscribeHandler(v -> {
            if (subscriptions.getAndIncrement() == 0) {
              subscribed.tryComplete();
            } else {
              gap();
            }
          })
          .handler(this::rang);
      subscriber.connect().onFailure(e -> {
        LOG.warn("personal notices: could not LISTEN: {}", e.toString());
        subscribed.tryFail(e);
        synchronized (this) {
          listening = null; // the next socket tries again
        }
      });
      listening = subscribed.future();
    }
    return listening;
  }

  void add(Sink sink) {
    feeds.compute(sink.viewerId(), (id, feed) -> {
      Feed f = feed == null ? new Feed(id) : feed;
      List<Sink> sinks = new ArrayList<>(f.sinks);
      sinks.add(sink);
      f.sinks = List.copyOf(sinks);
      return f;
    });
  }

  void remove(Sink sink) {
    feeds.computeIfPresent(sink.viewerId(), (id, feed) -> {
      List<Sink> sinks = feed.sinks.stream().filter(s -> s != sink).toList();
      feed.sinks = sinks;
      return sinks.isEmpty() ? null : feed;
    });
  }

  /** How many viewers have sockets here (for tests). */
  int viewers() {
    return feeds.size();
  }

  Future<Void> close() {
    PgSubscriber s;
    synchronized (this) {
      s = subscriber;
      subscriber = null;
    }
    return s == null ? Future.succeededFuture() : s.close().otherwiseEmpty();
  }

  private void rang(String payload) {
    long viewerId;
    long eventId;
    try {
      JsonObject ring = new JsonObject(payload);
      viewerId = ring.getLong("viewerId");
      eventId = ring.getLong("eventId");
    } catch (RuntimeException e) {
      LOG.warn("personal notices: unreadable ring {}", payload);
      return;
    }
    Feed feed = feeds.get(viewerId);
    if (feed == null) {
      return; // none of this viewer's sockets is on this node
    }
    boolean start;
    synchronized (feed) {
      feed.pendingAfter = Math.min(feed.pendingAfter, eventId - 1);
      start = !feed.reading;
      feed.reading = true;
    }
    if (start) {
      read(feed);
    }
  }

  private void read(Feed feed) {
    long after;
    synchronized (feed) {
      after = feed.pendingAfter;
      feed.pendingAfter = Long.MAX_VALUE;
    }
    source.after(feed.viewerId, after, ViewerNotices.MAX_READ).onComplete(ar -> {
      if (ar.succeeded()) {
        deliver(feed, ar.result());
      } else {
        LOG.warn("personal notices of viewer {} not read: {}", feed.viewerId, ar.cause().toString());
      }
      boolean again;
      synchronized (feed) {
        if (ar.failed()) {
          feed.pendingAfter = Math.min(feed.pendingAfter, after);
        } else if (ar.result().size() == ViewerNotices.MAX_READ) {
          feed.pendingAfter = Math.min(feed.pendingAfter, eventId(ar.result().get(ar.result().size() - 1)));
        }
        again = feed.pendingAfter != Long.MAX_VALUE && feeds.get(feed.viewerId) == feed;
        feed.reading = again;
      }
      if (again) {
        if (ar.failed()) {
          vertx.setTimer(RETRY_MS, id -> read(feed));
        } else {
          read(feed);
        }
      }
    });
  }

  private static void deliver(Feed feed, List<JsonObject> notices) {
    if (notices.isEmpty()) {
      return;
    }
    List<Long> ids = new ArrayList<>(notices.size());
    List<SharedText> texts = new ArrayList<>(notices.size());
    for (JsonObject notice : notices) {
      ids.add(eventId(notice));
      texts.add(SharedText.of(notice.encode()));
    }
    for (Sink sink : feed.sinks) {
      sink.context().runOnContext(v -> {
        for (int i = 0; i < ids.size(); i++) {
          sink.notice(ids.get(i), texts.get(i));
        }
      });
    }
  }

  private void gap() {
    LOG.info("personal notices: LISTEN re-established; telling {} viewers' sockets", feeds.size());
    feeds.values().forEach(feed -> feed.sinks.forEach(s -> s.context().runOnContext(v -> s.gap())));
  }

  static long eventId(JsonObject notice) {
    return ((Number) notice.getValue("eventId")).longValue();
  }
}
