package io.linli.ops.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.ops.ApiClient;
import io.linli.ops.Node;
import io.linli.ops.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The household's order page in a real Chromium: it shows the order, changes in place as staff pack the bag and
 * it arrives (the code and a QR that loaded), catches up after its node went away and came back, refuses another
 * household's order in words, and speaks zh-CN and en. Two nodes share the record: the page's own node is
 * stopped and started again on the same port while staff keep working through the other.
 */
class OrderPageTest {
  private static String database;
  private static int port;
  private static Node pageNode;
  private static Node otherNode;
  private static ApiClient api;
  private static ApiClient other;
  private static Chromium chromium;

  @BeforeAll
  static void start() {
    database = TestNode.freshDatabase();
    port = freePort();
    pageNode = TestNode.start(database, Map.of("LINLI_PORT", Integer.toString(port), "LINLI_NODE_ID", "page-node"));
    otherNode = TestNode.start(database, Map.of("LINLI_NODE_ID", "other-node"));
    api = new ApiClient(pageNode.port());
    other = new ApiClient(otherNode.port());
    chromium = new Chromium(412, 915);
  }

  @AfterAll
  static void stop() {
    if (chromium != null) {
      chromium.close();
    }
    for (Node n : new Node[] {pageNode, otherNode}) {
      if (n != null) {
        n.close().await();
      }
    }
  }

  @Test
  void theOrderPageFollowsTheBagWithoutReloadingAndCatchesUpAfterADrop() {
    ApiClient.Shop shop = api.openShop("13900000095", 1, "BUYERS", 10, 3);
    String point = point(shop);
    ApiClient.Viewer wang = api.viewer("小王", "13812345678");
    String orderId = join(shop, wang, 2, point);
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/close", shop.ownerToken(), null), 200);

    chromium.forgetEverything(api.base());
    chromium.driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "America/Los_Angeles"));
    chromium.js("localStorage.setItem('linli.viewer.token', arguments[0])", wang.token());
    chromium.open(api.base() + "/o/" + orderId);
    chromium.untilText("#status", "已成团，备货中");
    assertThat(chromium.js("return Intl.DateTimeFormat().resolvedOptions().timeZone")).isEqualTo("America/Los_Angeles");
    assertThat(chromium.text("#product")).isEqualTo("土鸡蛋 30枚");
    assertThat(chromium.text("#store")).isEqualTo("鲜邻优选·测试店");
    assertThat(chromium.text("#quantity")).isEqualTo("2");
    assertThat(chromium.text("#amount")).isEqualTo("¥59.80");
    assertThat(chromium.text("#where-label")).isEqualTo("自提点");
    assertThat(chromium.text("#where")).contains("幸福里3号楼·张阿姨家", "幸福里3号楼2单元101", "18:00-21:00");
    assertThat(chromium.find("#pickup").isDisplayed()).as("no code before the bag arrives").isFalse();
    JsonObject order = ApiClient.expect(api.get("/api/orders/" + orderId, wang.token()), 200).json();
    assertThat(timeline()).hasSize(1 + order.getJsonArray("history").size())
        .first().asString().endsWith("下单");
    // Times are the store's (Asia/Shanghai), whatever the phone's own zone (here Los Angeles).
    assertThat(chromium.find(".timeline time").getText()).isEqualTo(OffsetDateTime.parse(order.getString("createdAt"))
        .atZoneSameInstant(ZoneId.of("Asia/Shanghai")).format(DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm")));
    untilLive("live", "live");
    chromium.js("window.__sameDocument = true;");

    ApiClient.expect(api.post("/api/orders/" + orderId + "/pack", shop.ownerToken(), null), 200);
    chromium.untilText("#status", "已打包");
    assertThat(timeline()).last().asString().contains("已打包", "店员");
    ApiClient.expect(api.post("/api/orders/" + orderId + "/arrive", shop.ownerToken(), null), 200);
    chromium.untilText("#status", "已到自提点，可取货");
    String code = ApiClient.expect(api.get("/api/orders/" + orderId, wang.token()), 200).json().getString("pickupCode");
    assertThat(code).matches("\\d{6}");
    chromium.untilText("#code", code);
    chromium.until("the QR image loaded", d -> ((Number) chromium.js(
        "const img = document.getElementById('qr'); return img.complete ? img.naturalWidth : 0;")).intValue() > 0);
    assertThat(chromium.find("#qr").getAttribute("alt")).isEqualTo("取货码二维码");
    assertThat(chromium.js("return window.__sameDocument === true")).as("no reload").isEqualTo(true);
    chromium.screenshot("order-at-pickup-point");

    chromium.find("#lang").click();
    chromium.untilText("#status", "Ready at the pickup point");
    assertThat(chromium.text("#pickup h2")).isEqualTo("Pickup code");
    assertThat(chromium.text("#where-label")).isEqualTo("Pickup point");
    assertThat(timeline()).last().asString().contains("Ready at the pickup point", "by store staff");
    assertThat(chromium.text("#live")).isEqualTo("Live updates on");

    // The page's node goes away; the bag is handed over meanwhile, through the other node.
    long lastSeen = ApiClient.expect(api.get("/api/orders/" + orderId, wang.token()), 200).json()
        .getJsonArray("history").stream().mapToLong(h -> ((JsonObject) h).getLong("eventId")).max().orElseThrow();
    chromium.webSocketsOpened();
    pageNode.close().await();
    untilLive("reconnecting", "reconnecting");
    assertThat(chromium.text("#live")).isEqualTo("Connection lost, reconnecting…");
    ApiClient.expect(other.post("/api/pickup-points/" + point + "/handover", shop.ownerToken(),
        new JsonObject().put("code", code)), 200);
    pageNode = TestNode.start(database, Map.of("LINLI_PORT", Integer.toString(port), "LINLI_NODE_ID", "page-node-2"));
    chromium.untilText("#status", "Completed");
    chromium.screenshot("order-completed-en");
    untilLive("live again", "live");
    assertThat(chromium.find("#pickup").isDisplayed()).as("a used code is gone").isFalse();
    assertThat(chromium.webSocketsOpened()).as("reconnected asking for what came after the last notice it had")
        .last().asString().contains("/ws/me?token=").endsWith("&after=" + lastSeen);
    assertThat(timeline()).last().asString().contains("Completed");
    assertThat(chromium.js("return window.__sameDocument === true")).as("still no reload").isEqualTo(true);
    assertThat(chromium.cspViolations()).isEmpty();
  }

  @Test
  void anotherHouseholdOpeningTheLinkIsToldItIsNotTheirs() {
    ApiClient.Shop shop = api.openShop("13900000096", 1, "BUYERS", 10, 3);
    String orderId = join(shop, api.viewer("小王", "13812345679"), 1, point(shop));

    // A phone that never saw Linli: it is asked for a nickname first, then told the order is not its own.
    chromium.forgetEverything(api.base());
    chromium.open(api.base() + "/o/" + orderId);
    chromium.until("the nickname form", d -> d.findElement(By.id("viewer-form")).isDisplayed());
    chromium.find("#viewer-form button").click();
    chromium.untilText("#nickname-error", "昵称要 1–30 个字。");
    chromium.find("#nickname").sendKeys("小赵");
    chromium.find("#viewer-form button").click();
    chromium.untilText("#message", "这是另一户的订单，你不能查看。请用下单时的手机打开这个链接。");
    assertThat(chromium.find("#order").isDisplayed()).isFalse();
    chromium.screenshot("order-of-another-household");
    assertThat((String) chromium.js("return localStorage.getItem('linli.viewer.token')")).as("a token was made")
        .isNotBlank();

    chromium.open(api.base() + "/order.html?id=" + orderId);
    chromium.untilText("#message", "这是另一户的订单，你不能查看。请用下单时的手机打开这个链接。");
    chromium.find("#lang").click();
    chromium.untilText("#message", "This order belongs to another household, so you cannot see it. Open the link on"
        + " the phone that placed the order.");
    chromium.open(api.base() + "/o/0ZZZZZZZZZZZZ");
    chromium.untilText("#message", "There is no such order; check the link.");
    assertThat(chromium.cspViolations()).isEmpty();
  }

  @Test
  void aDeliveredOrderShowsItsAddressSlotAndTheCodeForTheCourier() {
    ApiClient.Shop shop = api.openShop("13900000097", 1, "BUYERS", 10, 3);
    ApiClient.expect(api.post("/api/stores/" + shop.storeId() + "/delivery-zones", shop.ownerToken(),
        new JsonObject().put("name", "幸福里片区").put("kind", "COMMUNITIES")
            .put("communities", new JsonArray().add("幸福里")).put("feeFen", 500)
            .put("slots", new JsonArray()
                .add(new JsonObject().put("kind", "ASAP").put("minMinutes", 60).put("maxMinutes", 120)))), 201);
    ApiClient.Viewer zhang = api.viewer("小张", "13600002223");
    String orderId = ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", zhang.token(),
        new JsonObject().put("quantity", 1).put("delivery", new JsonObject().put("address", "5号楼302")
            .put("community", "幸福里"))), 201).json().getJsonObject("order").getString("id");
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/close", shop.ownerToken(), null), 200);
    ApiClient.expect(api.post("/api/orders/" + orderId + "/pack", shop.ownerToken(), null), 200);

    openOrderAs(zhang, orderId);
    chromium.untilText("#status", "已打包");
    assertThat(chromium.text("#where-label")).isEqualTo("送货地址");
    assertThat(chromium.text("#where")).contains("幸福里 5号楼302", "送达时段 60–120 min");
    assertThat(chromium.text("#amount")).isEqualTo("¥34.90（含配送费 ¥5.00）");
    untilLive("live", "live");
    ApiClient.expect(api.post("/api/orders/" + orderId + "/out-for-delivery", shop.ownerToken(), null), 200);
    chromium.untilText("#status", "配送中");
    String code = ApiClient.expect(api.get("/api/orders/" + orderId, zhang.token()), 200).json().getString("pickupCode");
    chromium.untilText("#code", code);
    assertThat(chromium.text("#code-hint")).isEqualTo("收货时把取货码告诉配送员。");
  }

  @Test
  void aRefundShowsUpInPlaceThoughTheOrderKeepsItsStatus() {
    ApiClient.Shop shop = api.openShop("13900000098", 1, "BUYERS", 10, 3);
    api.payOnline(shop, 10);
    String dealId = ApiClient.expect(api.post("/api/streams/" + shop.streamId() + "/deals", shop.ownerToken(),
        new JsonObject().put("productId", shop.productId()).put("groupPriceFen", 2990).put("threshold", 1)
            .put("countBy", "BUYERS").put("stock", 10).put("perBuyerLimit", 1)
            .put("tiers", new JsonArray().add(new JsonObject().put("minCount", 2).put("priceFen", 2490)))
            .put("endsAt", OffsetDateTime.now().plusDays(1).toString())), 201).json().getString("id");
    ApiClient.Viewer wang = api.viewer("小王", "13812345670");
    String orderId = payFor(dealId, wang);
    awaitStatus(orderId, wang, "CONFIRMED"); // the group formed with this payment
    payFor(dealId, api.viewer("小李", "13812345671")); // the second household: the deal will close at the next tier

    openOrderAs(wang, orderId);
    chromium.untilText("#status", "已成团，备货中");
    assertThat(chromium.find("#refunds").isDisplayed()).as("nothing refunded yet").isFalse();
    untilLive("live", "live");
    chromium.js("window.__sameDocument = true;");

    // The deal closes at 24.90: 5.00 goes back to 小王, and his order stays CONFIRMED (no order.updated for it).
    ApiClient.expect(other.post("/api/deals/" + dealId + "/close", shop.ownerToken(), null), 200);
    chromium.untilText("#refund-list li .what", "已退回");
    assertThat(chromium.text("#refund-list li .amount")).isEqualTo("¥5.00");
    assertThat(chromium.text("#refund-list li .why")).contains("阶梯价差额");
    assertThat(chromium.text("#status")).isEqualTo("已成团，备货中");
    assertThat(chromium.js("return window.__sameDocument === true")).as("no reload").isEqualTo(true);
    chromium.screenshot("order-refunded-tier");
    chromium.find("#lang").click();
    chromium.untilText("#refund-list li .what", "Returned");
    assertThat(chromium.text("#refunds h2")).isEqualTo("Refunds");
    assertThat(chromium.cspViolations()).isEmpty();
  }

  @Test
  void statusWordsCoverEveryStatusAndTakeNewOnesGracefully() {
    chromium.forgetEverything(api.base());
    chromium.open(api.base() + "/order.html");
    chromium.untilText("#message", "链接里没有订单编号。");
    @SuppressWarnings("unchecked")
    List<String> words = (List<String>) chromium.driver.executeAsyncScript("const done = arguments[0];"
        + " import('/assets/statuses.js').then(m => done(['PACKED', 'DISPATCHED', 'AT_PICKUP_POINT',"
        + " 'OUT_FOR_DELIVERY', 'WEIGHED_AGAIN'].map(m.statusWord)));");
    assertThat(words).containsExactly("已打包", "配送到自提点途中", "已到自提点，可取货", "配送中", "Weighed again");
  }

  @Test
  void pagesAreServedWithTheirSecurityHeadersAndNoListing() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String path : List.of("/store/", "/store/pick-list.html", "/o/0ABCDEFGHJKMN", "/order.html?id=1",
        "/assets/api.js", "/assets/linli.css")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api.base() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(csp ->
          assertThat(csp).startsWith("default-src 'self';").doesNotContain("unsafe"));
      assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
      assertThat(r.headers().firstValue("Referrer-Policy")).as(path).contains("no-referrer");
      assertThat(r.headers().firstValue("Cache-Control")).as(path).contains("public, max-age=300");
    }
    HttpResponse<String> listing = http.send(HttpRequest.newBuilder(URI.create(api.base() + "/assets/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(listing.statusCode()).isEqualTo(404);
    assertThat(listing.body()).doesNotContain("api.js");
    HttpResponse<String> store = http.send(HttpRequest.newBuilder(URI.create(api.base() + "/store")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(store.statusCode()).isEqualTo(301);
    assertThat(store.headers().firstValue("Location")).contains("/store/");
  }

  /** A fresh browser signed in as the viewer, on their order's page. */
  private static void openOrderAs(ApiClient.Viewer v, String orderId) {
    chromium.forgetEverything(api.base());
    chromium.js("localStorage.setItem('linli.viewer.token', arguments[0])", v.token());
    chromium.open(api.base() + "/o/" + orderId);
  }

  /** Until the page's live indicator says {@code state} ("live", "reconnecting"). */
  private static void untilLive(String what, String state) {
    chromium.until(what, d -> state.equals(d.findElement(By.id("live")).getAttribute("data-state")));
  }

  private static List<String> timeline() {
    return chromium.all(".timeline li").stream().map(li -> li.getText().replace('\n', ' ')).toList();
  }

  private static String point(ApiClient.Shop shop) {
    return ApiClient.expect(api.post("/api/stores/" + shop.storeId() + "/pickup-points", shop.ownerToken(),
        new JsonObject().put("name", "幸福里3号楼·张阿姨家").put("kind", "LEADER_HOME").put("address", "幸福里3号楼2单元101")
            .put("openingHours", "18:00-21:00")), 201).json().getString("id");
  }

  private static String join(ApiClient.Shop shop, ApiClient.Viewer v, int quantity, String point) {
    return ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(),
        new JsonObject().put("quantity", quantity).put("pickupPointId", point)), 201).json()
        .getJsonObject("order").getString("id");
  }

  /** Joins the deal (one unit, the store's counter) and pays on the sandbox's page; answers the order id. */
  private static String payFor(String dealId, ApiClient.Viewer v) {
    String orderId = ApiClient.expect(api.post("/api/deals/" + dealId + "/join", v.token(),
        new JsonObject().put("quantity", 1)), 201).json().getJsonObject("order").getString("id");
    JsonObject payment = ApiClient.expect(api.post("/api/orders/" + orderId + "/payments", v.token(), null), 201)
        .json();
    ApiClient.expect(api.postForm(payment.getString("payUrl"), "outcome=pay"), 200);
    awaitStatus(orderId, v, "PAID", "CONFIRMED");
    return orderId;
  }

  private static void awaitStatus(String orderId, ApiClient.Viewer v, String... wanted) {
    assertThat(api.awaitOrder(orderId, v, Duration.ofSeconds(5), wanted)).isIn((Object[]) wanted);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
