package io.linli.core.store;

import io.vertx.core.Future;

/**
 * The port through which a module that does not keep leaders (团长) learns who one is: realtime shows a leader
 * of the stream's store as {@code leader} in its room. live-core defines it; commerce, which registers leaders
 * and signs them in, implements it over its record; realtime never imports commerce.
 */
@FunctionalInterface
public interface StoreLeaders {
  /** A leader as the record has them now: the store they belong to and the name they are shown with. */
  record Leader(long id, long storeId, String name) {}

  /** The leader with this id, or null when there is none. */
  Future<Leader> find(long leaderId);

  /** For nodes without a module that keeps leaders: there are none. */
  StoreLeaders NONE = leaderId -> Future.succeededFuture(null);
}
