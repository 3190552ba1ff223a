package io.linli.ops.bench.room;

import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Linli nodes (one or more, on one Redis and PostgreSQL). The room is a live stream with an open group-buy deal;
 * its counter moves the real way: a viewer joins the deal over HTTP (Lua in Redis, the order committed in
 * PostgreSQL, then {@code deal.progress} to the room), so a counter update's latency includes all of that.
 */
final class LinliTarget implements RoomTarget {
  /**
   * The heap's generations as {@code GC.heap_info} prints them: one line for G1, a young and an old one for the
   * parallel collector (which ops/bin/linli runs with), the others for Serial; Metaspace and the young
   * generation's own spaces are left out.
   */
  private static final Pattern USED = Pattern.compile(
      "(?m)^\\s*(garbage-first heap|PSYoungGen|ParOldGen|def new generation|tenured generation)\\s+total \\d+K, used (\\d+)K");

  private final String name;
  private final Http http;
  private final List<Integer> ports;
  private final List<Long> pids;
  private final ViewerPool viewers;
  private String streamId;
  private String dealId;
  private List<String> buyers;

  LinliTarget(String name, Vertx vertx, List<Integer> ports, List<Long> pids, ViewerPool viewers) {
    this.name = name;
    this.http = new Http(vertx);
    this.ports = ports;
    this.pids = pids;
    this.viewers = viewers;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public RoomWire wire() {
    return RoomWire.LINLI;
  }

  @Override
  public List<Integer> ports() {
    return ports;
  }

  @Override
  public void setUp(int sockets, int updates) {
    int port = ports.get(0);
    String phone = "139" + String.format("%08d", Math.floorMod(Ids.next(), 100_000_000L));
    JsonObject store = http.setUp(port, "/api/stores", null, new JsonObject().put("name", "压测店").put("ownerName", "店长")
        .put("phone", phone).put("password", "password-123")).await().expect(201).json();
    String token = store.getString("token");
    String storeId = store.getJsonObject("store").getString("id");
    String productId = http.setUp(port, "/api/stores/" + storeId + "/products", token, new JsonObject()
        .put("name", "土鸡蛋 30枚").put("priceFen", 3990).put("stock", 2_000_000)).await().expect(201).json()
        .getString("id");
    streamId = http.setUp(port, "/api/stores/" + storeId + "/streams", token, new JsonObject()
        .put("title", "压测直播间").put("scheduledAt", OffsetDateTime.now(ZoneOffset.ofHours(8)).toString()))
        .await().expect(201).json().getString("id");
    http.setUp(port, "/api/streams/" + streamId + "/start", token, null).await().expect(200);
    dealId = http.setUp(port, "/api/streams/" + streamId + "/deals", token, new JsonObject()
        .put("productId", productId).put("groupPriceFen", 2990).put("threshold", 1_000_000).put("countBy", "BUYERS")
        .put("stock", 1_000_000).put("perBuyerLimit", 1)
        .put("endsAt", OffsetDateTime.now(ZoneOffset.ofHours(8)).plusDays(1).toString()))
        .await().expect(201).json().getString("id");
    viewers.ensure(sockets + updates);
    buyers = new ArrayList<>(viewers.tokens().subList(sockets, sockets + updates));
  }

  @Override
  public String streamId() {
    return streamId;
  }

  @Override
  public String token(int socket) {
    return viewers.tokens().get(socket);
  }

  @Override
  public Future<Void> update(int n) {
    return http.call(HttpMethod.POST, ports.get(0), "/api/deals/" + dealId + "/join", buyers.get(n - 1),
            new JsonObject().put("quantity", 1), Map.of("Idempotency-Key", "bench-" + n))
        .map(r -> {
          if (r.status() != 201) {
            System.err.println("join " + n + " answered " + r.status() + ": " + r.body());
          }
          return null;
        });
  }

  @Override
  public Memory memory() throws IOException, InterruptedException {
    long heap = 0;
    for (long pid : pids) {
      jcmd(pid, "GC.run");
      Matcher m = USED.matcher(jcmd(pid, "GC.heap_info"));
      while (m.find()) {
        heap += Long.parseLong(m.group(2)) * 1024;
      }
    }
    return new Memory(heap, RoomTarget.rss(pids));
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroy();
    }
    return out;
  }

  @Override
  public List<Long> pids() {
    return pids;
  }
}
