package io.linli.ops.bench;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.linli.core.id.Ids;
import io.linli.ops.bench.Buyers.Buyer;
import io.linli.ops.bench.JoinTarget.Answer.Kind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;

/**
 * System (c), the limit: commerce's own {@code deal_join.lua} sent with EVALSHA straight to Redis over one
 * Lettuce connection, many scripts in flight at once (Lettuce pipelines them), with the keys and arguments the
 * node sends (DealCounters.join): the deal's keys under its hash tag; buyer, key, quantity, order id, now,
 * committed-now (1: pay on pickup, as in (a)).
 */
final class LuaJoinTarget implements JoinTarget {
  private final RedisAsyncCommands<String, String> redis;
  private final String sha;
  private final String[] keys;
  private final Context context;

  LuaJoinTarget(RedisAsyncCommands<String, String> redis, String sha, long dealId, Context context) {
    this.redis = redis;
    this.sha = sha;
    this.keys = LuaDeal.joinKeys(dealId);
    this.context = context;
  }

  @Override
  public Future<Answer> join(Buyer buyer, String idempotencyKey, int quantity) {
    String orderId = Ids.toText(Ids.next());
    return Future.fromCompletionStage(redis.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys,
            buyer.idText(), idempotencyKey, Integer.toString(quantity), orderId,
            Long.toString(System.currentTimeMillis()), "1"), context)
        .map(LuaJoinTarget::read)
        .otherwise(e -> Answer.error(e.getClass().getSimpleName()));
  }

  private static Answer read(List<Object> reply) {
    String verdict = String.valueOf(reply.get(0));
    return switch (verdict) {
      case "OK", "DUP" -> Answer.order(Ids.parse(String.valueOf(reply.get(1))));
      case "SOLD_OUT" -> Answer.of(Kind.SOLD_OUT);
      case "LIMIT" -> Answer.of(Kind.LIMIT);
      case "CLOSED" -> Answer.of(Kind.CLOSED);
      default -> Answer.error(verdict);
    };
  }
}
