package io.linli.realtime;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The notice ids one socket was sent lately, so a notice reaches a socket once even when a read overlaps an
 * earlier one (rings read from their own event on) or a replay overlaps live notices. Bounded: a socket that
 * got more than this many notices may, in theory, be sent a very old one again; clients skip known ids.
 */
final class SentNotices {
  private static final int KEPT = 256;
  private final LinkedHashSet<Long> ids = new LinkedHashSet<>();
  private long newest;

  /** True the first time an id is offered. */
  boolean first(long eventId) {
    if (!ids.add(eventId)) {
      return false;
    }
    newest = Math.max(newest, eventId);
    if (ids.size() > KEPT) {
      Iterator<Long> oldest = ids.iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }

  /** The highest id sent (0: none). */
  long newest() {
    return newest;
  }
}
