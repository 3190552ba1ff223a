package io.linli.commerce.deal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Redis against the record: abandoned joins, lost Redis data, drift, and commits that fail. */
class DealReconcilerTest extends DealTestBase {

  @Test
  void aJoinAbandonedBetweenRedisAndPostgresIsReleased() {
    long dealId = f.openDeal(phone(), 10, 2, 100);
    Caller v = f.viewer("半路掉线");
    // The script ran, then the node died before the order was written.
    JoinOutcome outcome = f.counters.join(new DealCounters.Join(dealId, v.id(), "k", 2, Ids.next(),
        f.clock.millis(), true)).await();
    assertThat(outcome).isInstanceOf(JoinOutcome.Accepted.class);
    assertThat(f.redisCounts(dealId).remaining()).isEqualTo(8);

    f.reconciler.runOnce().await();
    assertThat(f.redisCounts(dealId).remaining()).as("too young to be abandoned").isEqualTo(8);

    f.clock.advance(Duration.ofSeconds(20));
    f.reconciler.runOnce().await();
    DealCounts after = f.redisCounts(dealId);
    assertThat(after.remaining()).isEqualTo(10);
    assertThat(after.joinedUnits()).isZero();
    assertThat(after.joinedBuyers()).isZero();
    // The household may join again, with the same key even (the first attempt never counted).
    assertThat(f.joins.join(v, new JoinService.JoinRequest(dealId, 2, "k", null, null)).await()
        .getJsonObject("deal").getInteger("joinedUnits")).isEqualTo(2);
  }

  @Test
  void theRoomHearsTheCountsWithoutAJoinReleasedOrRepairedByTheSweep() {
    long dealId = f.openDeal(phone(), 10, 2, 100);
    String key = Deal.stateKey(dealId);
    f.counters.join(new DealCounters.Join(dealId, f.viewer("半路掉线").id(), "k", 2, Ids.next(), f.clock.millis(),
        true)).await();
    // A household that joined meanwhile told the room counts with the abandoned units in them.
    f.join(f.viewer("同时到"), dealId, 1);
    assertThat(awaitNewest(key, 3).fields().getInteger("remaining")).isEqualTo(7);

    f.clock.advance(Duration.ofSeconds(20));
    f.reconciler.runOnce().await();
    RecordingRoom.Event released = awaitNewest(key, 1);
    assertThat(released.fields().getInteger("remaining")).isEqualTo(9);
    assertThat(released.version()).isEqualTo(f.redisCounts(dealId).version());

    f.platform.redis().call(c -> c.hset("gb:{deal:" + dealId + "}:state", "joinedUnits", "6")).await();
    f.reconciler.runOnce().await();
    assertThat(awaitNewest(key, 1).version()).as("the repaired counts, told").isEqualTo(f.redisCounts(dealId).version())
        .isGreaterThan(released.version());
  }

  /** The newest deal.progress the room was told, once it shows {@code joinedUnits}. */
  private static RecordingRoom.Event awaitNewest(String key, int joinedUnits) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      if (!f.room.states(key).isEmpty() && f.room.newest(key).fields().getInteger("joinedUnits") == joinedUnits) {
        return f.room.newest(key);
      }
      sleep(20);
    }
    throw new AssertionError("the room was told " + f.room.states(key));
  }

  @Test
  void aJoinWrittenButNotAcknowledgedIsKept() {
    long dealId = f.openDeal(phone(), 10, 2, 100);
    Caller v = f.viewer("写完才断");
    f.joins.join(v, new JoinService.JoinRequest(dealId, 1, "a", null, null)).await();
    f.clock.advance(Duration.ofSeconds(20));
    f.reconciler.runOnce().await();
    assertThat(f.redisCounts(dealId).joinedUnits()).isEqualTo(1);
    assertThat(f.recorded("select count(*) from orders where deal_id = $1", dealId)).isEqualTo(1);
  }

  @Test
  void driftIsMeasuredAndRepairedFromTheRecord() {
    long dealId = f.openDeal(phone(), 10, 2, 100);
    f.joins.join(f.viewer("甲"), new JoinService.JoinRequest(dealId, 2, "a", null, null)).await();
    f.platform.redis().call(c -> c.hset("gb:{deal:" + dealId + "}:state", "remaining", "3")).await();

    long drift = f.reconciler.runOnce().await();
    assertThat(drift).isEqualTo(5);
    assertThat(f.redisCounts(dealId).remaining()).isEqualTo(8);
    assertThat(f.reconciler.runOnce().await()).isZero();
  }

  /**
   * A deal still selling is judged once it is quiet: its counts run ahead of the record by the joins in flight, and
   * comparing them meant reading every order of the hot deal, on every node, every sweep.
   */
  @Test
  void aDealThatMovedSinceTheLastSweepIsJudgedOnceItIsQuiet() {
    long dealId = f.openDeal(phone(), 10, 2, 100);
    f.joins.join(f.viewer("乙"), new JoinService.JoinRequest(dealId, 1, "a", null, null)).await();
    assertThat(f.reconciler.runOnce().await()).isZero();
    // Redis loses a count, and the sale goes on before the next sweep.
    f.platform.redis().call(c -> c.hset("gb:{deal:" + dealId + "}:state", "remaining", "3")).await();
    f.joins.join(f.viewer("丙"), new JoinService.JoinRequest(dealId, 1, "b", null, null)).await();
    assertThat(f.reconciler.runOnce().await()).as("still selling").isZero();
    assertThat(f.redisCounts(dealId).remaining()).isEqualTo(2);
    // Nothing moved since: now it is compared, and repaired from the record.
    assertThat(f.reconciler.runOnce().await()).isEqualTo(6);
    assertThat(f.redisCounts(dealId).remaining()).isEqualTo(8);
  }

  @Test
  void redisFlushedMidStormNeverOversells() {
    long dealId = f.openDeal(phone(), 100, 1, 1000);
    List<Caller> buyers = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      buyers.add(f.viewer("邻居" + i));
    }
    List<Future<?>> taps = new ArrayList<>();
    for (int i = 0; i < buyers.size(); i++) {
      taps.add(f.joins.join(buyers.get(i), new JoinService.JoinRequest(dealId, 1, "t", null, null)));
      if (i == 120) {
        TestServices.get().flushRedis();
      }
    }
    Future.join(taps).otherwiseEmpty().await();

    long sold = f.recorded("select coalesce(sum(quantity), 0) from orders where deal_id = $1", dealId);
    long households = f.recorded("select count(distinct viewer_id) from orders where deal_id = $1", dealId);
    long ok = taps.stream().filter(Future::succeeded).count();
    assertThat(sold).isEqualTo(ok).isLessThanOrEqualTo(100);
    assertThat(households).isEqualTo(sold);
    assertThat(f.recorded("select sold_units from deals where id = $1", dealId)).isEqualTo(sold);

    f.reconciler.runOnce().await();
    DealCounts redis = f.redisCounts(dealId);
    assertThat(redis.joinedUnits()).isEqualTo(sold);
    assertThat(redis.remaining()).isEqualTo(100 - sold);
    // The stock that is left can still be sold, and not a unit more.
    int more = 0;
    for (int i = 0; i < 150; i++) {
      try {
        f.joins.join(f.viewer("后来" + i), new JoinService.JoinRequest(dealId, 1, "late", null, null)).await();
        more++;
      } catch (Problem p) {
        assertThat(p.type()).endsWith("/sold-out");
      }
    }
    assertThat(sold + more).isEqualTo(100);
  }

  @Test
  void aJoinWhoseCommitFailsLeavesNoCountBehind() {
    long dealId = f.openDeal(phone(), 10, 2, 100);
    Caller ghost = new Caller(Caller.Kind.VIEWER, Ids.next(), "不存在");
    Throwable failure = catchThrowable(() ->
        f.joins.join(ghost, new JoinService.JoinRequest(dealId, 1, "g", null, null)).await());
    assertThat(failure).isInstanceOf(Problem.class);
    assertThat(((Problem) failure).status()).isEqualTo(401);
    DealCounts after = f.redisCounts(dealId);
    assertThat(after.joinedUnits()).isZero();
    assertThat(after.remaining()).isEqualTo(10);
    assertThat(f.recorded("select sold_units from deals where id = $1", dealId)).isZero();
  }

  @Test
  void aJoinWhoseCommitFailsTellsTheRoomTheCountsTheRecordHas() {
    long dealId = f.openDeal(phone(), 10, 2, 100);
    f.join(f.viewer("先到"), dealId, 1); // the deal, its pickup point and payment terms are known from now on
    Caller ghost = new Caller(Caller.Kind.VIEWER, Ids.next(), "不存在");
    Caller real = f.viewer("后到");
    // Both reach Redis at once, the ghost first: the real household's counts include the ghost's unit and are
    // told to the room; then PostgreSQL refuses the ghost (no such viewer) and its unit is taken back.
    Future<JsonObject> refused = f.joins.join(ghost, new JoinService.JoinRequest(dealId, 1, "g", null, null));
    Future<JsonObject> placed = f.joins.join(real, new JoinService.JoinRequest(dealId, 1, "r", null, null));
    Future.join(refused, placed).otherwiseEmpty().await();
    assertThat(refused.failed()).isTrue();
    assertThat(placed.succeeded()).isTrue();
    assertThat(f.recorded("select coalesce(sum(quantity), 0) from orders where deal_id = $1", dealId)).isEqualTo(2);

    // Phones keep the newest version they were told: it must be the count the record has, not one with the ghost.
    String key = Deal.stateKey(dealId);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (f.room.newest(key).fields().getInteger("joinedUnits") != 2 && System.nanoTime() < deadline) {
      sleep(20);
    }
    RecordingRoom.Event newest = f.room.newest(key);
    assertThat(newest.fields().getInteger("joinedUnits")).as("told " + f.room.states(key)).isEqualTo(2);
    assertThat(newest.version()).isEqualTo(f.redisCounts(dealId).version());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
