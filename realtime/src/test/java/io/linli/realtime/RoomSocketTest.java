package io.linli.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomSocketTest extends OneRoomNodeTest {
  @Test
  void firstFrameIsTheSnapshotWithTheStreamAndTheViewerCount() {
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"))) {
      JsonObject snapshot = mei.frames().get(0);
      assertThat(snapshot.getString("type")).isEqualTo("room.snapshot");
      assertThat(snapshot.getJsonObject("stream").getString("id")).isEqualTo(shop.stream());
      assertThat(snapshot.getJsonObject("stream").getString("status")).isEqualTo("LIVE");
      assertThat(snapshot.getLong("viewers")).isEqualTo(1);
      assertThat(snapshot.getLong("seq")).isNotNull();
      assertThat(snapshot.getString("epoch")).isNotBlank();
      assertThat(snapshot.getJsonArray("chat")).isEmpty();
      assertThat(snapshot.getJsonArray("pinned")).isEmpty();
      assertThat(snapshot.getJsonArray("polls")).isEmpty();
      assertThat(snapshot.getJsonObject("you").getString("role")).isEqualTo("viewer");
      assertThat(snapshot.containsKey("pinnedMessage")).isTrue();
      assertThat(snapshot.getValue("pinnedMessage")).isNull();
      assertThat(snapshot.getInteger("slowMode")).isZero();
      assertThat(snapshot.getLong("likes")).isZero();
      assertThat(snapshot.getLong("uniqueViewers")).isEqualTo(1);
      assertThat(snapshot.getLong("peakViewers")).isEqualTo(1);

      try (Phone lan = node.join(shop.stream(), shop.viewer("Lan"))) {
        assertThat(lan.frames().get(0).getLong("viewers")).isEqualTo(2);
        JsonObject viewers = mei.await(f -> "room.viewers".equals(f.getString("type")) && f.getLong("count") == 2,
            Duration.ofSeconds(5));
        assertThat(viewers.getString("key")).isEqualTo("viewers");
        assertThat(viewers.getLong("version")).isPositive();
        assertThat(node.gauge("linli.sockets.open")).isEqualTo(2);
      }
      mei.await(f -> "room.viewers".equals(f.getString("type")) && f.getLong("count") == 1, Duration.ofSeconds(5));
    }
  }

  @Test
  void chatReachesEveryoneAsPlainTextWithTheSendersRole() {
    try (Phone host = node.join(shop.stream(), shop.ownerToken());
        Phone staff = node.join(shop.stream(), shop.staffToken());
        Phone mei = node.join(shop.stream(), shop.viewer("Mei"))) {
      host.chat("  <b>hi</b> 今晚8点开团  ");

      JsonObject got = mei.awaitType("chat.message");
      assertThat(got.getString("text")).isEqualTo("<b>hi</b> 今晚8点开团");
      assertThat(got.getJsonObject("from").getString("role")).isEqualTo("host");
      assertThat(got.getJsonObject("from").getString("nickname")).isEqualTo("店长");
      assertThat(got.getString("id")).isNotBlank();
      assertThat(got.getString("at")).endsWith("Z");
      assertThat(got.getLong("seq")).isGreaterThan(mei.frames().get(0).getLong("seq"));
      assertThat(host.awaitType("chat.message")).isEqualTo(got);

      staff.chat("到店自提");
      assertThat(mei.await(f -> "到店自提".equals(f.getString("text")), Duration.ofSeconds(5))
          .getJsonObject("from").getString("role")).isEqualTo("staff");

      // A later joiner finds both in the snapshot, oldest first.
      try (Phone lan = node.join(shop.stream(), shop.viewer("Lan"))) {
        assertThat(lan.frames().get(0).getJsonArray("chat").stream()
            .map(m -> ((JsonObject) m).getString("text")).toList())
            .containsExactly("<b>hi</b> 今晚8点开团", "到店自提");
      }
    }
  }

  @Test
  void socketsAreGroupedByEventLoopSoAFrameCostsOneTaskPerLoop() {
    List<Phone> phones = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        phones.add(node.join(shop.stream(), shop.viewer("V" + i)));
      }
      // The node runs two servers (two event loops): eight sockets make two groups, not eight.
      assertThat(node.realtime.groups(shop.streamId)).isBetween(1, 2);
      node.realtime.events().publish(shop.streamId, "deal.formed", new JsonObject().put("dealId", "d1")).await();
      for (Phone phone : phones) {
        phone.awaitType("deal.formed");
      }
    } finally {
      phones.forEach(Phone::close);
    }
  }

  @Test
  void systemLinesFromOtherModulesLookLikeChatButStayOutOfTheRecentChat() {
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"))) {
      node.realtime.events().publish(shop.streamId, "chat.system", new JsonObject().put("text", "小王 刚刚参团"))
          .await();
      // Commerce sends its social proof as a coalesced state: it is shown the same way.
      node.realtime.events().publishState(shop.streamId, "chat.system", "joined:42", 7,
          new JsonObject().put("text", "小李 刚刚参团"));
      JsonObject line = mei.awaitType("chat.system");
      assertThat(line.getString("text")).isEqualTo("小王 刚刚参团");
      assertThat(line.getString("id")).isNotBlank();
      assertThat(line.getString("at")).endsWith("Z");
      mei.await(f -> "小李 刚刚参团".equals(f.getString("text")), Duration.ofSeconds(5));
      try (Phone lan = node.join(shop.stream(), shop.viewer("Lan"))) {
        assertThat(lan.frames().get(0).getJsonArray("chat")).isEmpty();
      }
    }
  }

  @Test
  void invalidChatIsAnErrorForTheSenderOnly() {
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"));
        Phone lan = node.join(shop.stream(), shop.viewer("Lan"))) {
      mei.chat("x".repeat(node.platform.config().chatMaxLength() + 1));
      JsonObject error = mei.awaitType("error");
      assertThat(error.getString("code")).isEqualTo("bad-chat");
      assertThat(error.getString("message")).contains("at most");

      mei.chat("   ");
      mei.await(f -> "error".equals(f.getString("type")) && f.getString("message").contains("blank"),
          Duration.ofSeconds(5));
      mei.sendText("{not json");
      mei.await(f -> "bad-json".equals(f.getString("code")), Duration.ofSeconds(5));
      mei.send(new JsonObject().put("type", "dance"));
      mei.await(f -> "unknown-type".equals(f.getString("code")), Duration.ofSeconds(5));

      mei.chat("ok");
      assertThat(lan.awaitType("chat.message").getString("text")).isEqualTo("ok");
      assertThat(lan.frames("chat.message")).hasSize(1);
      assertThat(lan.frames("error")).isEmpty();
    }
  }

  @Test
  void refusesMissingAndBadTokensUnknownStreamsAndOtherStoresStaff() {
    Vertx vertx = node.vertx;
    assertThat(Phone.connect(vertx, node.port(), shop.stream(), null).awaitClose(Duration.ofSeconds(5)))
        .isEqualTo(CloseCodes.UNAUTHORIZED);
    assertThat(Phone.connect(vertx, node.port(), shop.stream(), "not-a-token").awaitClose(Duration.ofSeconds(5)))
        .isEqualTo(CloseCodes.UNAUTHORIZED);
    assertThat(Phone.connect(vertx, node.port(), "0NOSUCHSTREAM", shop.viewer("Mei"))
        .awaitClose(Duration.ofSeconds(5))).isEqualTo(CloseCodes.NOT_FOUND);
    assertThat(Phone.connect(vertx, node.port(), "not-an-id", shop.viewer("Mei"))
        .awaitClose(Duration.ofSeconds(5))).isEqualTo(CloseCodes.NOT_FOUND);
    Shop other = Shop.open(node.platform);
    assertThat(Phone.connect(vertx, node.port(), shop.stream(), other.ownerToken())
        .awaitClose(Duration.ofSeconds(5))).isEqualTo(CloseCodes.FORBIDDEN);
    assertThat(node.gauge("linli.sockets.open")).isZero();

    try (Phone bearer = Phone.connectWithBearer(vertx, node.port(), shop.stream(), shop.staffToken())) {
      assertThat(bearer.awaitType("room.snapshot").getJsonObject("you").getString("role")).isEqualTo("staff");
      // Staff are not audience.
      assertThat(bearer.frames().get(0).getLong("viewers")).isZero();
    }
  }

  @Test
  void aPageOfAnotherSiteCannotOpenTheSocketButTheNodesOwnPagesAndListedSitesCan() {
    Vertx vertx = node.vertx;
    String mei = shop.viewer("Mei");
    String uri = "/ws/streams/" + shop.stream() + "?token=" + mei;
    // What a browser sends when a page of evil.example opens the socket with a stolen link.
    var refused = handshake(vertx, uri, "https://evil.example", null);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body()).contains("LINLI_WS_ALLOWED_ORIGINS");
    assertThat(handshake(vertx, "/ws/me?token=" + mei, "https://evil.example", null).statusCode()).isEqualTo(403);
    // "null" is what a sandboxed frame or a file:// page sends.
    assertThat(handshake(vertx, uri, "null", null).statusCode()).isEqualTo(403);
    // The node's own pages (same host and port as asked) upgrade; so does a client that sends no Origin.
    assertThat(handshake(vertx, uri, "http://127.0.0.1:" + node.port(), null).statusCode()).isEqualTo(101);
    assertThat(handshake(vertx, uri, "http://shop.example:8080", "shop.example:8080").statusCode()).isEqualTo(101);
    assertThat(handshake(vertx, uri, null, null).statusCode()).isEqualTo(101);
    // The refused handshakes never counted as sockets; the three that upgraded are gone once their clients hang up.
    assertThat(node.awaitGauge("linli.sockets.open", 0, Duration.ofSeconds(5))).isZero();

    // Its own Vert.x: nodes on one Vert.x would share the random port, and a request could reach either.
    Vertx elsewhere = Vertx.vertx();
    RoomNode listed = RoomNode.start(elsewhere, RoomNode.freshDatabase(),
        java.util.Map.of("LINLI_WS_ALLOWED_ORIGINS", "https://Shop.Example.com:443, https://leader.example"),
        RoomTuning.defaults(), new io.vertx.core.http.HttpServerOptions());
    try {
      Shop there = Shop.open(listed.platform);
      String path = "/ws/streams/" + there.stream() + "?token=" + there.viewer("Lan");
      assertThat(handshake(vertx, listed.port(), path, "https://shop.example.com", null).statusCode()).isEqualTo(101);
      assertThat(handshake(vertx, listed.port(), path, "https://leader.example", null).statusCode()).isEqualTo(101);
      assertThat(handshake(vertx, listed.port(), path, "http://leader.example", null).statusCode()).isEqualTo(403);
    } finally {
      listed.close();
      elsewhere.close().await();
    }
  }

  /** What a handshake was answered: the status, and for a refusal its content type and body. */
  private record Answer(int statusCode, String contentType, String body) {}

  private Answer handshake(Vertx vertx, String uri, String origin, String host) {
    return handshake(vertx, node.port(), uri, origin, host);
  }

  /** A raw WebSocket handshake, so the test sees the HTTP answer a browser would get. */
  private static Answer handshake(Vertx vertx, int port, String uri, String origin, String host) {
    var client = vertx.createHttpClient();
    try {
      return client.request(new io.vertx.core.http.RequestOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
          .compose(request -> {
            request.putHeader("Upgrade", "websocket").putHeader("Connection", "Upgrade")
                .putHeader("Sec-WebSocket-Version", "13").putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
            if (origin != null) {
              request.putHeader("Origin", origin);
            }
            if (host != null) {
              String[] parts = host.split(":");
              request.authority(io.vertx.core.net.HostAndPort.create(parts[0], Integer.parseInt(parts[1])));
            }
            return request.send();
          })
          .compose(response -> response.statusCode() == 101
              ? io.vertx.core.Future.succeededFuture(new Answer(101, null, null))
              : response.body().map(body -> new Answer(response.statusCode(), response.getHeader("Content-Type"),
                  body.toString())))
          .timeout(10, java.util.concurrent.TimeUnit.SECONDS)
          .await();
    } finally {
      client.close().await();
    }
  }

  @Test
  void aFrameOverTheLimitClosesWith1009AndAFloodWith4429() {
    try (Phone big = node.join(shop.stream(), shop.viewer("Big"));
        Phone flood = node.join(shop.stream(), shop.viewer("Flood"))) {
      big.sendText(new JsonObject().put("type", "chat.send")
          .put("text", "x".repeat(node.platform.config().wsMaxFrameBytes())).encode());
      assertThat(big.awaitClose(Duration.ofSeconds(5))).isEqualTo(CloseCodes.TOO_BIG);

      for (int i = 0; i < 100 && !flood.isClosed(); i++) {
        flood.trySend(new JsonObject().put("type", "nothing"));
      }
      assertThat(flood.awaitClose(Duration.ofSeconds(5))).isEqualTo(CloseCodes.TOO_MANY_FRAMES);
    }
  }

  @Test
  void aLostRedisSubscriptionSendsEverySocketAFreshSnapshot() {
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"));
        Phone lan = node.join(shop.stream(), shop.viewer("Lan"))) {
      node.platform.redis().call(c -> c.clientKill(io.lettuce.core.KillArgs.Builder.typePubsub())).await();
      for (Phone phone : List.of(mei, lan)) {
        awaitSnapshots(phone, 2);
      }
      mei.chat("still here");
      assertThat(lan.await(f -> "still here".equals(f.getString("text")), Duration.ofSeconds(5))).isNotNull();
    }
  }

  private static void awaitSnapshots(Phone phone, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (phone.frames("room.snapshot").size() < count && System.nanoTime() < deadline) {
      Phone.sleep(10);
    }
    assertThat(phone.frames("room.snapshot")).hasSizeGreaterThanOrEqualTo(count);
  }
}
