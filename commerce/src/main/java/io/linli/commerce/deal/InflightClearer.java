package io.linli.commerce.deal;

import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes committed joins off their deal's in-flight set, many at a time: while one {@code ZREM} is on its way,
 * the next ones gather, so a storm costs one Redis command per deal per round trip instead of one per join.
 * Nobody waits for it: the order is already committed, and an entry left behind by a crash is one the
 * reconciler finds in the record and clears itself.
 */
final class InflightClearer {
  private static final Logger LOG = LoggerFactory.getLogger(InflightClearer.class);
  private static final int MAX_MEMBERS = 512;

  private final Supplier<RedisAsyncCommands<String, String>> redis;
  private Map<Long, List<String>> gathering = new LinkedHashMap<>();
  private boolean sending;

  InflightClearer(Supplier<RedisAsyncCommands<String, String>> redis) {
    this.redis = redis;
  }

  void clear(long dealId, String member) {
    Map<Long, List<String>> batch = null;
    synchronized (this) {
      gathering.computeIfAbsent(dealId, d -> new ArrayList<>()).add(member);
      if (!sending) {
        sending = true;
        batch = take();
      }
    }
    if (batch != null) {
      send(batch);
    }
  }

  /** Caller holds the lock. */
  private Map<Long, List<String>> take() {
    Map<Long, List<String>> batch = gathering;
    gathering = new LinkedHashMap<>();
    return batch;
  }

  /** One ZREM per deal (and per {@link #MAX_MEMBERS}), pipelined; the next batch goes when the last one answered. */
  private void send(Map<Long, List<String>> batch) {
    RedisAsyncCommands<String, String> commands = redis.get();
    List<CompletableFuture<Long>> sent = new ArrayList<>();
    batch.forEach((dealId, members) -> {
      String key = new DealKeys(dealId).inflight();
      for (int from = 0; from < members.size(); from += MAX_MEMBERS) {
        List<String> part = members.subList(from, Math.min(members.size(), from + MAX_MEMBERS));
        sent.add(commands.zrem(key, part.toArray(String[]::new)).toCompletableFuture());
      }
    });
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
        .whenComplete((ok, error) -> {
          if (error != null) {
            // Left for the reconciler, which finds these orders in the record and clears them.
            LOG.debug("in-flight entries not cleared: {}", error.toString());
          }
          Map<Long, List<String>> next;
          synchronized (this) {
            if (gathering.isEmpty()) {
              sending = false;
              return;
            }
            next = take();
          }
          send(next);
        });
  }
}
