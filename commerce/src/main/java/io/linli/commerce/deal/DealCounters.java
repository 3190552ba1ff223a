package io.linli.commerce.deal;

import io.lettuce.core.ScriptOutputType;
import io.linli.core.id.Ids;
import io.linli.core.redis.LuaScript;
import io.linli.core.redis.Redis;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * The hot, rebuildable half of a deal in Redis: stock left, counts, who holds how much, idempotency keys and
 * joins still on their way to PostgreSQL. Every change is one Lua script, so checks and writes never race.
 */
public final class DealCounters {
  private static final LuaScript JOIN = LuaScript.fromClasspath("lua/deal_join.lua", ScriptOutputType.MULTI);
  private static final LuaScript RELEASE = LuaScript.fromClasspath("lua/deal_release.lua", ScriptOutputType.INTEGER);
  private static final LuaScript INIT = LuaScript.fromClasspath("lua/deal_init.lua", ScriptOutputType.INTEGER);
  private static final LuaScript COMMIT = LuaScript.fromClasspath("lua/deal_commit.lua", ScriptOutputType.MULTI);
  private static final LuaScript LEAVE = LuaScript.fromClasspath("lua/deal_leave.lua", ScriptOutputType.INTEGER);
  private static final LuaScript REPAIR = LuaScript.fromClasspath("lua/deal_repair.lua", ScriptOutputType.INTEGER);
  private static final LuaScript REVIVE = LuaScript.fromClasspath("lua/deal_revive.lua", ScriptOutputType.MULTI);
  private static final LuaScript STATUS = LuaScript.fromClasspath("lua/deal_status.lua", ScriptOutputType.MULTI);
  private static final String[] COUNTS = {"joinedBuyers", "joinedUnits", "committedBuyers", "committedUnits",
      "remaining", "version", "status"};

  private final Redis redis;
  private final InflightClearer clearer;

  public DealCounters(Redis redis) {
    this.redis = redis;
    this.clearer = new InflightClearer(redis::async);
  }

  public record Join(long dealId, long buyerId, String idempotencyKey, int quantity, long orderId, long nowMillis,
      boolean committedNow) {}

  Future<JoinOutcome> join(Join j) {
    String buyer = Ids.toText(j.buyerId());
    String order = Ids.toText(j.orderId());
    String inflight = order + ":" + buyer + ":" + j.quantity() + ":" + (j.committedNow() ? "1" : "0") + ":"
        + j.idempotencyKey();
    return redis.<List<Object>>eval(JOIN, new DealKeys(j.dealId()).forJoin(), buyer, j.idempotencyKey(),
            Integer.toString(j.quantity()), order, Long.toString(j.nowMillis()), j.committedNow() ? "1" : "0")
        .map(reply -> JoinOutcome.parse(reply, inflight));
  }

  /** Takes back a join that never reached PostgreSQL; a no-op if it was already released or completed. */
  Future<Boolean> release(long dealId, String inflightMember) {
    return redis.<Long>eval(RELEASE, new DealKeys(dealId).forJoin(), inflightMember)
        .map(n -> n == 1L);
  }

  /** Gives back a cancelled order's units (the record already cancelled it). */
  Future<Void> leave(long dealId, long buyerId, int quantity, boolean committed) {
    DealKeys keys = new DealKeys(dealId);
    return redis.<Long>eval(LEAVE, new String[] {keys.state(), keys.buyers(), keys.committed()}, Ids.toText(buyerId),
        Integer.toString(quantity), committed ? "1" : "0").mapEmpty();
  }

  /** The order is in PostgreSQL: it no longer needs the sweeper's attention. */
  Future<Void> completed(long dealId, String inflightMember) {
    return redis.call(c -> c.zrem(new DealKeys(dealId).inflight(), inflightMember)).mapEmpty();
  }

  /** As {@link #completed}, batched with other joins' and not waited for: the join's hot path. */
  void committed(long dealId, String inflightMember) {
    clearer.clear(dealId, inflightMember);
  }

  /** Builds the state from the record if Redis has none (new deal, or Redis lost its data). */
  Future<Boolean> initIfMissing(Deal deal, RecordedCounts joined, RecordedCounts committed) {
    DealKeys keys = new DealKeys(deal.id());
    List<String> args = new ArrayList<>(List.of(deal.status().name(),
        Integer.toString(deal.stock() - joined.units()), Integer.toString(deal.perBuyerLimit()),
        Integer.toString(deal.threshold()), deal.countBy().name(), Integer.toString(joined.buyers()),
        Integer.toString(joined.units()), Integer.toString(committed.buyers()), Integer.toString(committed.units()),
        deal.status() == DealStatus.OPEN || deal.status() == DealStatus.SCHEDULED ? "0" : "1"));
    appendMaps(args, joined, committed);
    return redis.<Long>eval(INIT, new String[] {keys.state(), keys.buyers(), keys.committed()},
        args.toArray(String[]::new)).map(n -> n == 1L);
  }

  /** An online order was paid: it counts towards the group now. */
  Future<JoinOutcome> commit(long dealId, long buyerId, int quantity, long orderId) {
    DealKeys keys = new DealKeys(dealId);
    return redis.<List<Object>>eval(COMMIT, new String[] {keys.state(), keys.committed()}, Ids.toText(buyerId),
        Integer.toString(quantity), Ids.toText(orderId)).map(reply -> JoinOutcome.parse(reply, null));
  }

  /**
   * A cancelled order paid late takes its units again, counted as paid, if the deal still has them; in flight
   * under {@code inflightMember} until the record says PAID ({@link #completed}) or refuses ({@link #release}).
   */
  Future<JoinOutcome> revive(long dealId, long buyerId, int quantity, long orderId, long nowMillis,
      String inflightMember) {
    DealKeys keys = new DealKeys(dealId);
    return redis.<List<Object>>eval(REVIVE, new String[] {keys.state(), keys.buyers(), keys.inflight(),
            keys.committed()}, Ids.toText(buyerId), Integer.toString(quantity), Ids.toText(orderId),
            Long.toString(nowMillis), inflightMember)
        .map(reply -> JoinOutcome.parse(reply, inflightMember));
  }

  /** Both maps after a count of the first, as deal_init.lua and deal_repair.lua read them. */
  private static void appendMaps(List<String> args, RecordedCounts joined, RecordedCounts committed) {
    args.add(Integer.toString(joined.unitsByBuyer().size()));
    for (RecordedCounts counts : List.of(joined, committed)) {
      counts.unitsByBuyer().forEach((buyer, units) -> {
        args.add(Ids.toText(buyer));
        args.add(Integer.toString(units));
      });
    }
  }

  /** Joins reserved in Redis before {@code olderThanMillis} whose order has not been confirmed written. */
  Future<List<String>> staleInflight(long dealId, long olderThanMillis) {
    return redis.call(c -> c.zrangebyscore(new DealKeys(dealId).inflight(),
        io.lettuce.core.Range.create(0, olderThanMillis)));
  }

  /** Sets counts from the record if no join moved since {@code expectedVersion}; answers whether it did. */
  Future<Boolean> repair(long dealId, long expectedVersion, RecordedCounts joined, RecordedCounts committed,
      int remaining) {
    DealKeys keys = new DealKeys(dealId);
    List<String> args = new ArrayList<>(List.of(Long.toString(expectedVersion), Integer.toString(joined.buyers()),
        Integer.toString(joined.units()), Integer.toString(committed.buyers()), Integer.toString(committed.units()),
        Integer.toString(remaining)));
    appendMaps(args, joined, committed);
    return redis.<Long>eval(REPAIR, new String[] {keys.state(), keys.buyers(), keys.inflight(), keys.committed()},
        args.toArray(String[]::new)).map(n -> n == 1L);
  }

  /** Counts as Redis has them now, or null when Redis has no state for the deal. */
  Future<DealCounts> read(long dealId) {
    return redis.call(c -> c.hmget(new DealKeys(dealId).state(), COUNTS))
        .map(values -> counts(values.stream().map(v -> v.getValueOrElse(null)).toList()));
  }

  /**
   * Mirrors a status change of the record, so the script stops (or keeps) taking joins, and gives the counts a
   * new version that carries the new status (deal_status.lua); null when Redis has no state for the deal.
   */
  Future<DealCounts> setStatus(long dealId, DealStatus status) {
    return redis.<List<Object>>eval(STATUS, new String[] {new DealKeys(dealId).state()}, status.name())
        .map(reply -> reply.isEmpty() ? null : counts(reply.stream().map(v -> (String) v).toList()));
  }

  /** The fields of {@link #COUNTS}, in that order, as Redis answered them (null for a missing field). */
  private static DealCounts counts(List<String> values) {
    if (values.get(4) == null || values.get(4).isEmpty()) {
      return null;
    }
    String status = values.get(6);
    return new DealCounts(num(values.get(0)), num(values.get(1)), num(values.get(2)), num(values.get(3)),
        num(values.get(4)), values.get(5) == null || values.get(5).isEmpty() ? 0 : Long.parseLong(values.get(5)),
        status == null || status.isEmpty() ? null : DealStatus.valueOf(status));
  }

  private static int num(String value) {
    return value == null || value.isEmpty() ? 0 : Integer.parseInt(value);
  }
}
