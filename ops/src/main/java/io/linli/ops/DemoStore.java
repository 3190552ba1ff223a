package io.linli.ops;

import io.linli.commerce.catalog.ProductService;
import io.linli.commerce.deal.CountBy;
import io.linli.commerce.deal.DealService;
import io.linli.core.auth.Caller;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/**
 * Seeds the demo store 鲜邻优选·幸福里店 through the same services the API uses: products, a live stream
 * "周三晚8点·鲜邻厨房" and an open deal. On data where the demo ran before it signs in instead and shows the
 * same store, so a restarted demo keeps its store and still prints its links.
 */
final class DemoStore {
  static final String STORE = "鲜邻优选·幸福里店";
  static final String PHONE = "13800138000";
  static final String PASSWORD = "linli-demo-2026";

  private final Node node;

  DemoStore(Node node) {
    this.node = node;
  }

  Future<String> seed() {
    Node.Services s = node.services();
    return s.stores().login(PHONE, PASSWORD)
        .compose(this::existing, missing -> s.stores()
            .signUp(new StoreService.SignUp(STORE, "王店长", PHONE, PASSWORD, "Asia/Shanghai"))
            .compose(this::seedStore));
  }

  /** The demo ran before on this data: show the same store's latest stream and its open deal. */
  private Future<String> existing(JsonObject login) {
    Node.Services s = node.services();
    String token = login.getString("token");
    long storeId = Ids.parse(login.getJsonArray("stores").getJsonObject(0).getString("id"));
    return node.platform().tokens().verify(token)
        .compose(owner -> s.streams().listForStore(owner, storeId))
        .compose(streams -> streams.isEmpty() ? Future.succeededFuture(links(login, null, null))
            : s.commerce().deals().snapshot(streams.get(0).id()).map(part -> links(login, streams.get(0).toJson(),
                part.getJsonArray("deals").isEmpty() ? null : part.getJsonArray("deals").getJsonObject(0))));
  }

  private Future<String> seedStore(JsonObject signUp) {
    Node.Services s = node.services();
    long storeId = Ids.parse(signUp.getJsonObject("store").getString("id"));
    String token = signUp.getString("token");
    ZoneId zone = ZoneId.of("Asia/Shanghai");
    return node.platform().tokens().verify(token).compose(owner -> s.commerce().products()
        .create(owner, storeId, new ProductService.NewProduct("散养土鸡蛋 30枚", 3990, 500, "盒",
            null, "幸福里农场直供，当天现捡"))
        .compose(eggs -> s.commerce().products().create(owner, storeId, new ProductService.NewProduct("有机小番茄 500g",
            1590, 300, "盒", null, "沙瓤多汁")).map(eggs))
        .compose(eggs -> s.commerce().products().create(owner, storeId, new ProductService.NewProduct("五常大米 5kg",
            6990, 200, "袋", null, "新米")).map(eggs))
        .compose(eggs -> s.streams().create(owner, storeId, "周三晚8点·鲜邻厨房",
                OffsetDateTime.now(zone).plusMinutes(1))
            .compose(stream -> s.streams().start(owner, stream.id()))
            .compose(stream -> s.commerce().deals().create(owner, stream.id(), new DealService.NewDeal(
                    Ids.parse(eggs.getString("id")), 2990, 10, CountBy.BUYERS, 200, 2,
                    OffsetDateTime.now(zone).plus(Duration.ofDays(2))))
                .map(deal -> links(new JsonObject().put("token", token), stream.toJson(), deal)))));
  }

  private String links(JsonObject login, JsonObject stream, JsonObject deal) {
    String base = "http://localhost:" + node.port();
    StringBuilder out = new StringBuilder("\n  Linli demo: 鲜邻优选·幸福里店 is ready at " + base + "\n");
    out.append("  staff login:   phone ").append(PHONE).append(", password ").append(PASSWORD).append('\n');
    if (stream != null) {
      out.append("  stream:        ").append(base).append("/api/streams/").append(stream.getString("id")).append('\n');
      if (deal != null) {
        out.append("  deal:          ").append(base).append("/api/deals/").append(deal.getString("id")).append('\n');
        out.append("  pick list:     ").append(base).append("/store/pick-list.html?deal=").append(deal.getString("id"))
            .append("  (staff sign-in: ").append(base).append("/store/)\n");
      }
      out.append("  room socket:   ws://localhost:").append(node.port()).append("/ws/streams/")
          .append(stream.getString("id")).append("?token=<viewer token from POST /api/viewers>\n");
    } else {
      out.append("  (existing demo store; sign in with POST /api/sessions to find its streams)\n");
    }
    out.append("  API document:  ").append(base).append("/api/openapi.yaml\n");
    out.append("  health:        ").append(base).append("/health/ready\n");
    out.append("  staff token:   ").append(login.getString("token")).append('\n');
    return out.toString();
  }
}
