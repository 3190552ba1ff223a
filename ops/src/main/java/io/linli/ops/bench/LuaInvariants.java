package io.linli.ops.bench;

import io.lettuce.core.api.sync.RedisCommands;
import io.linli.ops.bench.SystemUnderTest.Deal;
import java.util.ArrayList;
import java.util.List;

/** The bare script (c) has no record but Redis: the invariants it can hold are checked on its keys. */
final class LuaInvariants {
  private final RedisCommands<String, String> redis;
  private final int perBuyerLimit;

  LuaInvariants(RedisCommands<String, String> redis, int perBuyerLimit) {
    this.redis = redis;
    this.perBuyerLimit = perBuyerLimit;
  }

  List<Check> check(Deal deal, RunStats stats) {
    String state = LuaDeal.key(deal.id(), "state");
    String buyers = LuaDeal.key(deal.id(), "buyers");
    List<Check> checks = new ArrayList<>();
    int remaining = Integer.parseInt(redis.hget(state, "remaining"));
    int joinedUnits = Integer.parseInt(redis.hget(state, "joinedUnits"));
    int joinedBuyers = Integer.parseInt(redis.hget(state, "joinedBuyers"));
    long most = 0;
    long held = 0;
    for (String v : redis.hvals(buyers)) {
      most = Math.max(most, Long.parseLong(v));
      held += Long.parseLong(v);
    }
    long households = redis.hlen(buyers);
    long keys = redis.hlen(LuaDeal.key(deal.id(), "idempotency"));
    long inflight = redis.zcard(LuaDeal.key(deal.id(), "inflight"));
    long answered = stats.count(RunStats.Outcome.NEW_ORDER);
    checks.add(new Check("no oversell", remaining >= 0 && joinedUnits + remaining == deal.stock(),
        joinedUnits + " units taken of " + deal.stock() + ", remaining " + remaining));
    checks.add(new Check("per-buyer limit", most <= perBuyerLimit,
        "most held by one household " + most + ", limit " + perBuyerLimit));
    checks.add(new Check("key counted once", keys == answered && stats.idempotencyViolations == 0,
        keys + " keys recorded, " + answered + " new orders answered; " + stats.idempotencyViolations
            + " keys answered with two orders"));
    checks.add(new Check("counters = holdings", held == joinedUnits && households == joinedBuyers,
        "households hash " + households + "/" + held + " units, counters " + joinedBuyers + "/" + joinedUnits));
    checks.add(new Check("answers = reservations", inflight == answered,
        answered + " orders answered, " + inflight + " reservations in the in-flight set"));
    return checks;
  }
}
