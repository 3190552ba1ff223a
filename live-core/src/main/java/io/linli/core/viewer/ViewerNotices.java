package io.linli.core.viewer;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * The port for notices meant for one viewer's eyes only (their order changed, ...). live-core defines it; a
 * module that keeps such a record (commerce: {@code order_events}) implements it; realtime delivers it to the
 * viewer's own sockets on every node, and never imports the module.
 *
 * <p>Delivery is a doorbell: when a notice is recorded, the publisher rings {@link #CHANNEL} with PostgreSQL
 * {@code NOTIFY} in the same transaction (so a notice rings only once committed, and rings in commit order),
 * with the payload {@code {"viewerId": <number>, "eventId": <number>}}. Every node listens once on that channel;
 * a node with sockets of that viewer reads the notices from {@link #after} and writes them. The record is
 * the only copy: a ring that was lost (a listener reconnecting) loses nothing a client cannot read again.
 *
 * <p>A notice is a JSON object with {@code type} and {@code eventId} (a number, increasing, unique across the
 * record) and whatever else its type says; it holds only what its viewer may see.
 */
public interface ViewerNotices {
  /** The PostgreSQL NOTIFY channel publishers ring. */
  String CHANNEL = "linli_viewer_notices";
  /** How far back a reader may ask. */
  Duration WINDOW = Duration.ofDays(7);
  /** The most notices one read answers. */
  int MAX_READ = 100;

  /**
   * The viewer's notices with an {@code eventId} above {@code afterEventId}, oldest first, none older than
   * {@link #WINDOW}, at most {@code limit} (callers ask for one more than they show to learn that more exist).
   */
  Future<List<JsonObject>> after(long viewerId, long afterEventId, int limit);

  /** For tests and nodes without a module that records notices. */
  ViewerNotices NONE = (viewerId, afterEventId, limit) -> Future.succeededFuture(List.of());
}
