package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.id.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A leader (团长) in the live room, signed in through commerce as a real leader: shown as {@code leader} to
 * everyone, held by the chat rules and moderation like a viewer (under their own identity, never a viewer's),
 * counted among the viewers, voting once, and never moderating or running polls; another store's leader stays out.
 */
class LeaderRoomTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger PHONES = new AtomicInteger();
  private static Node node;
  private static ApiClient api;
  private static final List<RoomClient> sockets = new ArrayList<>();

  @BeforeAll
  static void start() {
    node = TestNode.start(TestNode.freshDatabase());
    api = new ApiClient(node.port());
  }

  @AfterAll
  static void stop() {
    sockets.forEach(RoomClient::close);
    if (node != null) {
      node.close().await();
    }
  }

  @Test
  void aLeadersChatReachesViewersAsLeaderAndTheyCountAsAViewer() {
    ApiClient.Shop shop = shop();
    Leader zhang = leader(shop, "张阿姨");
    ApiClient.Viewer wang = api.viewer("小王");
    RoomClient viewer = socket(shop, wang.token());
    viewer.await(type("room.snapshot"), WAIT);
    RoomClient leader = socket(shop, zhang.token());

    JsonObject you = leader.await(type("room.snapshot"), WAIT).getJsonObject("you");
    assertThat(you.getString("role")).isEqualTo("leader");
    assertThat(you.getString("id")).isEqualTo(zhang.id());
    assertThat(you.getString("nickname")).isEqualTo("张阿姨");
    assertThat(leader.frames("order.updated")).isEmpty();

    leader.send(chat("今晚的鸡蛋我家楼下自提"));
    JsonObject line = said(viewer, "今晚的鸡蛋我家楼下自提");
    assertThat(line.getJsonObject("from").getString("role")).isEqualTo("leader");
    assertThat(line.getJsonObject("from").getString("id")).isEqualTo(zhang.id());
    assertThat(line.getJsonObject("from").getString("nickname")).isEqualTo("张阿姨");

    // The viewer and the leader are both watching: the count says two.
    viewer.await(f -> "room.viewers".equals(f.getString("type")) && f.getInteger("count") == 2, WAIT);

    leader.send(new JsonObject().put("type", "like.send").put("count", 3));
    viewer.await(f -> "room.likes".equals(f.getString("type")) && f.getLong("total") == 3, WAIT);
  }

  @Test
  void anotherStoresLeaderIsRefusedAndALeaderHasNoPersonalChannel() {
    ApiClient.Shop shop = shop();
    Leader foreign = leader(shop(), "李叔");
    assertThat(socket(shop, foreign.token()).closeCode(WAIT)).isEqualTo(4403);
    assertThat(RoomClient.personal(node.port(), "token=" + foreign.token()).closeCode(WAIT)).isEqualTo(4403);
  }

  @Test
  void aMutedLeaderCannotChatAndTheMuteIsTheLeadersOwn() {
    ApiClient.Shop shop = shop();
    Leader zhang = leader(shop, "张阿姨");
    RoomClient host = socket(shop, shop.ownerToken());
    host.await(type("room.snapshot"), WAIT);
    RoomClient leader = socket(shop, zhang.token());
    leader.await(type("room.snapshot"), WAIT);

    // A leader's id is not a viewer's: named without the role it names no one.
    host.send(new JsonObject().put("type", "chat.mute").put("userId", zhang.id()).put("minutes", 5));
    assertThat(host.await(type("error"), WAIT).getString("code")).isEqualTo("no-such-user");
    host.send(new JsonObject().put("type", "chat.mute").put("userId", zhang.id()).put("role", "leader")
        .put("minutes", 5));
    JsonObject muted = leader.await(type("chat.muted"), WAIT);
    assertThat(muted.getJsonObject("user").getString("role")).isEqualTo("leader");
    assertThat(muted.getJsonObject("user").getString("id")).isEqualTo(zhang.id());

    leader.send(chat("我被禁言了吗"));
    JsonObject refused = leader.await(type("error"), WAIT);
    assertThat(refused.getString("code")).isEqualTo("muted");
    assertThat(refused.getLong("retryAfterMs")).isPositive();

    host.send(new JsonObject().put("type", "chat.unmute").put("userId", zhang.id()).put("role", "leader"));
    leader.await(type("chat.unmuted"), WAIT);
    leader.send(chat("又能说话了"));
    said(host, "又能说话了");
    assertThat(host.frames()).allMatch(f -> line(f, "我被禁言了吗") == null);
  }

  @Test
  void slowModeHoldsALeaderBackAndABannedLeaderIsOut() {
    ApiClient.Shop shop = shop();
    Leader zhang = leader(shop, "张阿姨");
    RoomClient host = socket(shop, shop.ownerToken());
    host.await(type("room.snapshot"), WAIT);
    RoomClient leader = socket(shop, zhang.token());
    leader.await(type("room.snapshot"), WAIT);

    host.send(new JsonObject().put("type", "chat.slow").put("seconds", 60));
    leader.await(type("chat.slowmode"), WAIT);
    leader.send(chat("第一句"));
    said(host, "第一句");
    leader.send(chat("第二句"));
    assertThat(leader.await(type("error"), WAIT).getString("code")).isEqualTo("slow-mode");

    host.send(new JsonObject().put("type", "chat.ban").put("userId", zhang.id()).put("role", "leader")
        .put("reason", "刷屏"));
    assertThat(leader.closeCode(WAIT)).isEqualTo(4410);
    assertThat(host.await(type("chat.banned"), WAIT).getJsonObject("user").getString("role")).isEqualTo("leader");
    assertThat(socket(shop, zhang.token()).closeCode(WAIT)).as("every later join").isEqualTo(4410);

    host.send(new JsonObject().put("type", "chat.unban").put("userId", zhang.id()).put("role", "leader"));
    host.await(type("chat.unbanned"), WAIT);
    assertThat(socket(shop, zhang.token()).await(type("room.snapshot"), WAIT).getJsonObject("you")
        .getString("role")).isEqualTo("leader");
  }

  @Test
  void aLeaderCannotModerateOrRunPollsButVotesOnceUnderTheirOwnId() {
    ApiClient.Shop shop = shop();
    Leader zhang = leader(shop, "张阿姨");
    ApiClient.Viewer wang = api.viewer("小王");
    RoomClient viewer = socket(shop, wang.token());
    viewer.await(type("room.snapshot"), WAIT);
    RoomClient leader = socket(shop, zhang.token());
    leader.await(type("room.snapshot"), WAIT);

    viewer.send(chat("鸡蛋还有吗"));
    String messageId = said(leader, "鸡蛋还有吗").getString("id");
    leader.send(new JsonObject().put("type", "chat.delete").put("id", messageId));
    assertThat(leader.await(type("error"), WAIT).getString("code")).isEqualTo("forbidden");
    leader.send(new JsonObject().put("type", "chat.mute").put("userId", wang.id()).put("minutes", 5));
    leader.await(f -> leader.frames("error").size() == 2, WAIT);
    assertThat(leader.frames("error")).allMatch(e -> "forbidden".equals(e.getString("code")));

    JsonObject question = new JsonObject().put("question", "下周想吃什么？")
        .put("options", new JsonArray().add("鱼").add("虾"));
    ApiClient.expect(api.post("/api/streams/" + shop.streamId() + "/polls", zhang.token(), question), 403);
    String pollId = ApiClient.expect(api.post("/api/streams/" + shop.streamId() + "/polls", shop.ownerToken(),
        question), 201).json().getString("id");
    ApiClient.expect(api.post("/api/polls/" + pollId + "/open", zhang.token(), null), 403);
    ApiClient.expect(api.post("/api/polls/" + pollId + "/open", shop.ownerToken(), null), 200);
    leader.await(type("poll.opened"), WAIT);

    // The leader and the viewer vote; the leader changes their mind: still one vote each.
    leader.send(vote(pollId, 0));
    leader.await(f -> "poll.voted".equals(f.getString("type")) && f.getInteger("option") == 0, WAIT);
    viewer.send(vote(pollId, 0));
    viewer.await(type("poll.voted"), WAIT);
    leader.send(vote(pollId, 1));
    leader.await(f -> "poll.voted".equals(f.getString("type")) && f.getInteger("option") == 1, WAIT);
    JsonObject closed = ApiClient.expect(api.post("/api/polls/" + pollId + "/close", shop.ownerToken(), null), 200)
        .json();
    assertThat(closed.getJsonArray("counts")).containsExactly(1, 1);
    ApiClient.expect(api.post("/api/polls/" + pollId + "/close", zhang.token(), null), 403);

    // Recorded apart: the viewer's vote under their viewer id, the leader's under their leader id.
    assertThat(votes("select viewer_id, option from poll_votes where poll_id = $1", pollId))
        .containsExactly(wang.id() + "=0");
    assertThat(votes("select leader_id, option from poll_leader_votes where poll_id = $1", pollId))
        .containsExactly(zhang.id() + "=1");
  }

  // ---- the story's steps ----

  private record Leader(String id, String token) {}

  private static ApiClient.Shop shop() {
    return api.openShop("1390000" + String.format("%04d", 8000 + PHONES.incrementAndGet()), 1, "BUYERS", 50, 5);
  }

  /** Registered by the store's owner, signed in by phone and password: a LEADER token from commerce. */
  private static Leader leader(ApiClient.Shop shop, String name) {
    String phone = "1370000" + String.format("%04d", 8000 + PHONES.incrementAndGet());
    JsonObject registered = ApiClient.expect(api.post("/api/stores/" + shop.storeId() + "/leaders", shop.ownerToken(),
        new JsonObject().put("name", name).put("phone", phone).put("password", "leader-pass-1")), 201).json();
    String token = ApiClient.expect(api.post("/api/leader-sessions", null,
        new JsonObject().put("phone", phone).put("password", "leader-pass-1")), 200).json().getString("token");
    return new Leader(registered.getString("id"), token);
  }

  private static RoomClient socket(ApiClient.Shop shop, String token) {
    RoomClient socket = new RoomClient(node.port(), shop.streamId(), token);
    sockets.add(socket);
    return socket;
  }

  private static List<String> votes(String sql, String pollId) {
    List<String> votes = new ArrayList<>();
    for (Row r : node.platform().pool().preparedQuery(sql).execute(Tuple.of(Ids.parse(pollId))).await()) {
      votes.add(Ids.toText(r.getLong(0)) + "=" + r.getShort(1));
    }
    return votes;
  }

  private static JsonObject chat(String text) {
    return new JsonObject().put("type", "chat.send").put("text", text);
  }

  private static JsonObject vote(String pollId, int option) {
    return new JsonObject().put("type", "poll.vote").put("pollId", pollId).put("option", option);
  }

  private static Predicate<JsonObject> type(String type) {
    return f -> type.equals(f.getString("type"));
  }

  /** Waits for a chat line with this text, whether it came alone or inside a chat.batch. */
  private static JsonObject said(RoomClient socket, String text) {
    socket.await(f -> line(f, text) != null, WAIT);
    return socket.frames().stream().map(f -> line(f, text)).filter(l -> l != null).findFirst().orElseThrow();
  }

  private static JsonObject line(JsonObject frame, String text) {
    if ("chat.batch".equals(frame.getString("type"))) {
      return frame.getJsonArray("messages").stream().map(m -> line((JsonObject) m, text)).filter(l -> l != null)
          .findFirst().orElse(null);
    }
    return "chat.message".equals(frame.getString("type")) && text.equals(frame.getString("text")) ? frame : null;
  }
}
