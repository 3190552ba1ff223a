package io.linli.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Polls: the host asks, viewers vote from their phones (and may change their mind), the result is kept. */
@ExtendWith(VertxExtension.class)
class PollTest {
  private RoomNode node;
  private Shop shop;
  private PollService polls;

  @BeforeEach
  void start(Vertx vertx) {
    node = RoomNode.start(vertx, RoomNode.freshDatabase(), Map.of(),
        RoomTuning.defaults().withPollSweep(Duration.ofMillis(100)), new HttpServerOptions());
    shop = Shop.open(node.platform);
    polls = node.realtime.polls();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void votesCountOncePerViewerChangeUntilCloseAndTheResultIsKept() {
    Shop.Household mei = shop.household("Mei");
    Shop.Household lan = shop.household("Lan");
    try (Phone host = node.join(shop.stream(), shop.ownerToken());
        Phone staff = node.join(shop.stream(), shop.staffToken());
        Phone meiPhone = node.join(shop.stream(), mei.token());
        Phone lanPhone = node.join(shop.stream(), lan.token())) {
      JsonObject draft = polls.create(shop.owner(), shop.streamId, "下周做什么菜?",
          List.of("红烧肉", " 糖醋鱼 ", "麻婆豆腐"), null).await();
      assertThat(draft.getString("status")).isEqualTo("DRAFT");
      assertThat(draft.getJsonArray("options")).containsExactly("红烧肉", "糖醋鱼", "麻婆豆腐");
      String pollId = draft.getString("id");
      assertThat(snapshotPolls()).as("a draft is the host's business").isEmpty();

      JsonObject open = polls.open(shop.owner(), Ids.parse(pollId)).await();
      assertThat(open.getString("status")).isEqualTo("OPEN");
      assertThat(open.getString("closesAt")).isNull();
      JsonObject opened = meiPhone.awaitType("poll.opened").getJsonObject("poll");
      assertThat(opened.getString("id")).isEqualTo(pollId);
      assertThat(opened.getJsonArray("counts")).containsExactly(0, 0, 0);

      vote(meiPhone, pollId, 0);
      assertThat(meiPhone.awaitType("poll.voted").getInteger("option")).isZero();
      vote(lanPhone, pollId, 1);
      lanPhone.awaitType("poll.voted");
      vote(meiPhone, pollId, 1); // changed her mind
      JsonObject tally = host.await(f -> "poll.tally".equals(f.getString("type"))
          && f.getJsonArray("counts").equals(new JsonArray(List.of(0, 2, 0))), Duration.ofSeconds(5));
      assertThat(tally.getString("pollId")).isEqualTo(pollId);
      assertThat(tally.getInteger("total")).isEqualTo(2);
      assertThat(tally.getString("key")).isEqualTo("poll:" + pollId);

      vote(staff, pollId, 2);
      assertThat(staff.awaitType("error").getString("code")).isEqualTo("forbidden");
      vote(lanPhone, pollId, 5);
      assertThat(lanPhone.awaitType("error").getString("code")).isEqualTo("bad-vote");
      JsonObject live = snapshotPolls().getJsonObject(0);
      assertThat(live.getString("status")).isEqualTo("OPEN");
      assertThat(live.getJsonArray("counts")).containsExactly(0, 2, 0);

      JsonObject closed = polls.close(shop.owner(), Ids.parse(pollId)).await();
      assertThat(closed.getString("status")).isEqualTo("CLOSED");
      assertThat(closed.getJsonArray("counts")).containsExactly(0, 2, 0);
      for (Phone phone : List.of(host, staff, meiPhone, lanPhone)) {
        JsonObject result = phone.awaitType("poll.closed").getJsonObject("poll");
        assertThat(result.getJsonArray("counts")).containsExactly(0, 2, 0);
        assertThat(result.getString("closedAt")).isNotNull();
      }
      vote(meiPhone, pollId, 0);
      assertThat(meiPhone.await(f -> "poll-closed".equals(f.getString("code")), Duration.ofSeconds(5))).isNotNull();

      // The record: the result, and who voted what as it stood at the close.
      Row row = node.platform.pool().preparedQuery("select status, results from polls where id = $1")
          .execute(Tuple.of(Ids.parse(pollId))).await().iterator().next();
      assertThat(row.getString("status")).isEqualTo("CLOSED");
      assertThat(row.getArrayOfIntegers("results")).containsExactly(0, 2, 0);
      List<String> votes = new ArrayList<>();
      node.platform.pool().preparedQuery("select viewer_id, option from poll_votes where poll_id = $1")
          .execute(Tuple.of(Ids.parse(pollId))).await()
          .forEach(r -> votes.add(Ids.toText(r.getLong(0)) + "=" + r.getInteger(1)));
      assertThat(votes).containsExactlyInAnyOrder(mei.id() + "=1", lan.id() + "=1");
      JsonObject kept = snapshotPolls().getJsonObject(0);
      assertThat(kept.getString("status")).isEqualTo("CLOSED");
      assertThat(kept.getJsonArray("counts")).containsExactly(0, 2, 0);

      // Closing again changes nothing; a closed poll does not reopen.
      assertThat(polls.close(shop.owner(), Ids.parse(pollId)).await().getJsonArray("counts")).containsExactly(0, 2, 0);
      assertThatThrownBy(() -> polls.open(shop.owner(), Ids.parse(pollId)).await())
          .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(409));
      Phone.sleep(300);
      assertThat(host.frames("poll.closed")).hasSize(1);
    }
  }

  @Test
  void aTimedPollClosesByItself() {
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"))) {
      String pollId = polls.create(shop.owner(), shop.streamId, "好吃吗?", List.of("好吃", "一般"), 1).await()
          .getString("id");
      JsonObject open = polls.open(shop.owner(), Ids.parse(pollId)).await();
      assertThat(open.getString("closesAt")).isNotNull();
      vote(mei, pollId, 0);
      mei.awaitType("poll.voted");
      JsonObject closed = mei.await(f -> "poll.closed".equals(f.getString("type")), Duration.ofSeconds(4))
          .getJsonObject("poll");
      assertThat(closed.getJsonArray("counts")).containsExactly(1, 0);
    }
  }

  @Test
  void onlyStaffOfTheStreamsStoreRunPolls() {
    Shop other = Shop.open(node.platform);
    Caller viewer = new Caller(Caller.Kind.VIEWER, Ids.next(), "Mei");
    assertThatThrownBy(() -> polls.create(other.owner(), shop.streamId, "?", List.of("a", "b"), null).await())
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(403));
    assertThatThrownBy(() -> polls.create(viewer, shop.streamId, "?", List.of("a", "b"), null).await())
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(403));
    String pollId = polls.create(shop.owner(), shop.streamId, "?", List.of("a", "b"), null).await().getString("id");
    assertThatThrownBy(() -> polls.open(other.owner(), Ids.parse(pollId)).await())
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(403));
    assertThatThrownBy(() -> polls.close(shop.owner(), Ids.parse(pollId)).await())
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(409));
    assertThatThrownBy(() -> polls.get(shop.owner(), Ids.next()).await())
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(404));
  }

  private static void vote(Phone phone, String pollId, int option) {
    phone.send(new JsonObject().put("type", "poll.vote").put("pollId", pollId).put("option", option));
  }

  /** The polls a viewer joining now would see. */
  private JsonArray snapshotPolls() {
    try (Phone late = node.join(shop.stream(), shop.viewer("Late"))) {
      return late.frames().get(0).getJsonArray("polls");
    }
  }
}
