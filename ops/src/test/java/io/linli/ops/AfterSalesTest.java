package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.id.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Leaders and after-sales end to end: a leader signs in and is neither staff nor a viewer, hands bags over at
 * their own point only, and compensates a bad peach on the spot (团长先行赔付) within the store's limit; above it the
 * claim goes to staff, whose approval is refunded through the sandbox provider. The order's ledger always sums to
 * paid - refunded - compensated.
 */
class AfterSalesTest extends ClockedNodeTest {
  private static final AtomicInteger PHONES = new AtomicInteger();
  // ---- leaders ----

  @Test
  void aLeaderSignsInWithALeaderTokenThatStaffAndViewerEndpointsRefuse() {
    Store store = store(false);
    Leader zhang = leader(store, "张阿姨");
    assertThat(zhang.referralCode()).matches("[A-Z2-9]{8}");
    ApiClient.Response again = api.post("/api/stores/" + store.shop.storeId() + "/leaders", store.shop.ownerToken(),
        new JsonObject().put("name", "张阿姨").put("phone", zhang.phone()).put("password", "leader-pass-1"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(api.post("/api/leader-sessions", null, new JsonObject().put("phone", zhang.phone())
        .put("password", "wrong-password")).status()).isEqualTo(401);
    assertThat(api.post("/api/sessions", null, new JsonObject().put("phone", zhang.phone())
        .put("password", "leader-pass-1")).status()).as("a leader is not staff").isEqualTo(401);

    String s = "/api/stores/" + store.shop.storeId();
    for (String staffOnly : new String[] {s + "/pickup-points", s + "/leaders", s + "/orders", s + "/claims",
        s + "/after-sales-settings", "/api/deals/" + store.shop.dealId() + "/pick-list"}) {
      ApiClient.Response r = api.get(staffOnly, zhang.token());
      assertThat(r.status()).as(staffOnly).isEqualTo(403);
      assertThat(r.contentType()).startsWith("application/problem+json");
    }
    assertThat(api.post("/api/deals/" + store.shop.dealId() + "/close", zhang.token(), null).status()).isEqualTo(403);
    assertThat(api.post(s + "/leaders", zhang.token(), new JsonObject().put("name", "x").put("phone", "13700000000")
        .put("password", "password-1")).status()).isEqualTo(403);
    assertThat(api.post("/api/deals/" + store.shop.dealId() + "/join", zhang.token(),
        new JsonObject().put("quantity", 1)).status()).as("joining is for viewers").isEqualTo(403);
    ApiClient.Viewer buyer = api.viewer("小王");
    assertThat(api.get("/api/leader/bags", buyer.token()).status()).as("viewers are not leaders").isEqualTo(403);
    assertThat(api.get("/api/leader/bags", store.shop.ownerToken()).status()).as("nor is staff").isEqualTo(403);

    // The leader's link attributes the order; another store's leader's code does not.
    String order = join(store, buyer, new JsonObject().put("quantity", 1).put("ref", zhang.referralCode()));
    assertThat(api.get("/api/orders/" + order, buyer.token()).json().getString("leaderId")).isEqualTo(zhang.id());
    Leader foreign = leader(store(false), "李叔");
    String other = join(store, api.viewer("小李"), new JsonObject().put("quantity", 1).put("ref", foreign.referralCode()));
    assertThat(api.get("/api/orders/" + other, store.shop.ownerToken()).json().getString("leaderId")).isNull();
  }

  @Test
  void aLeaderHandsOverAtTheirOwnPointOnlyAndSeesItsBagsWithoutCodes() {
    Store store = store(false);
    Leader zhang = leader(store, "张阿姨");
    Leader li = leader(store, "李叔");
    String zhangHome = point(store, zhang, "幸福里3号楼·张阿姨家");
    point(store, li, "幸福里5号楼·李叔家");
    ApiClient.Viewer buyer = api.viewer("小王");
    String order = join(store, buyer, new JsonObject().put("quantity", 2).put("pickupPointId", zhangHome));
    String code = arrive(store, order, buyer);

    JsonArray bags = ApiClient.expect(api.get("/api/leader/bags", zhang.token()), 200).json().getJsonArray("bags");
    assertThat(bags).hasSize(1);
    assertThat(bags.getJsonObject(0).getString("orderId")).isEqualTo(order);
    assertThat(bags.getJsonObject(0).getString("status")).isEqualTo("AT_PICKUP_POINT");
    assertThat(bags.getJsonObject(0).containsKey("pickupCode")).isFalse();
    assertThat(api.get("/api/leader/bags", li.token()).json().getJsonArray("bags")).isEmpty();
    assertThat(api.get("/api/orders/" + order, zhang.token()).json().getString("pickupCode")).isNull();
    assertThat(api.get("/api/orders/" + order, li.token()).status()).isEqualTo(403);

    String handover = "/api/pickup-points/" + zhangHome + "/handover";
    ApiClient.Response foreign = api.post(handover, li.token(), new JsonObject().put("code", code));
    assertThat(foreign.status()).as("another point's leader").isEqualTo(403);
    assertThat(api.post(handover, buyer.token(), new JsonObject().put("code", code)).status()).isEqualTo(403);
    String wrong = code.equals("000000") ? "000001" : "000000";
    assertThat(api.post(handover, zhang.token(), new JsonObject().put("code", wrong)).status()).isEqualTo(422);
    JsonObject done = ApiClient.expect(api.post(handover, zhang.token(), new JsonObject().put("code", code)), 200)
        .json();
    assertThat(done.getString("status")).isEqualTo("COMPLETED");
    assertThat(count("select count(*) from order_events where order_id = " + Ids.parse(order)
        + " and to_status = 'COMPLETED' and actor_kind = 'LEADER' and actor_id = " + Ids.parse(zhang.id())))
        .isEqualTo(1);
  }

  // ---- claims ----

  @Test
  void onlyTheHouseholdClaimsOnACompletedOrderWithinTheWindowAndWithinWhatItPaid() throws Exception {
    Store store = store(true);
    Leader zhang = leader(store, "张阿姨");
    String home = point(store, zhang, "张阿姨家");
    ApiClient.Viewer buyer = api.viewer("小王");
    String order = join(store, buyer, new JsonObject().put("quantity", 2).put("pickupPointId", home));
    pay(order, buyer);
    String code = arrive(store, order, buyer);
    String claims = "/api/orders/" + order + "/claims";
    JsonObject peach = new JsonObject().put("reason", "DAMAGED").put("note", "两个桃子压坏了").put("requestedFen", 1000);

    ApiClient.Response early = api.post(claims, buyer.token(), peach);
    assertThat(early.status()).as("not handed over yet").isEqualTo(409);
    assertThat(early.json().getString("type")).endsWith("/order-not-completed");
    ApiClient.expect(api.post("/api/pickup-points/" + home + "/handover", zhang.token(),
        new JsonObject().put("code", code)), 200);

    assertThat(api.post(claims, api.viewer("小李").token(), peach).status()).as("another household").isEqualTo(403);
    assertThat(api.post(claims, zhang.token(), peach).status()).as("a leader").isEqualTo(403);
    assertThat(api.post(claims, store.shop.ownerToken(), peach).status()).as("staff").isEqualTo(403);
    assertThat(api.post(claims, buyer.token(), peach.copy().put("reason", "SPOILED")).status()).isEqualTo(400);
    assertThat(api.post(claims, buyer.token(), peach.copy().put("note", "桃".repeat(501))).status()).isEqualTo(400);
    ApiClient.Response tooMuch = api.post(claims, buyer.token(), peach.copy().put("requestedFen", 5981));
    assertThat(tooMuch.status()).isEqualTo(422);
    assertThat(tooMuch.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("requestedFen");

    // Photos: only real JPEG/PNG/WebP, only up to the store's limit.
    ApiClient.expect(api.put("/api/stores/" + store.shop.storeId() + "/after-sales-settings", store.shop.ownerToken(),
        new JsonObject().put("photoMaxBytes", 4096)), 200);
    byte[] gif = "GIF89a-not-taken".getBytes();
    ApiClient.Response wrongType = api.post(claims, buyer.token(), peach.copy().put("photoBase64", b64(gif)));
    assertThat(wrongType.status()).isEqualTo(422);
    assertThat(wrongType.contentType()).startsWith("application/problem+json");
    assertThat(wrongType.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("photoBase64");
    assertThat(wrongType.json().getString("detail")).contains("JPEG, PNG or WebP");
    byte[] big = Arrays.copyOf(png(), 5000);
    ApiClient.Response tooBig = api.post(claims, buyer.token(), peach.copy().put("photoBase64", b64(big)));
    assertThat(tooBig.status()).isEqualTo(422);
    assertThat(tooBig.json().getString("detail")).contains("5000 bytes").contains("4096");
    ApiClient.Response overBodyLimit = api.post(claims, buyer.token(),
        peach.copy().put("photoBase64", "A".repeat(1_100_000)));
    assertThat(overBodyLimit.status()).isIn(400, 413);

    byte[] photo = png();
    JsonObject claim = ApiClient.expect(api.post(claims, buyer.token(), peach.copy().put("photoBase64", b64(photo))),
        201).json();
    assertThat(claim.getString("status")).isEqualTo("OPEN");
    assertThat(claim.getString("photoUrl")).isEqualTo("/api/claims/" + claim.getString("id") + "/photo");
    for (String token : new String[] {buyer.token(), store.shop.ownerToken(), zhang.token()}) {
      HttpResponse<byte[]> r = getBytes(claim.getString("photoUrl"), token);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("image/png");
      assertThat(r.body()).isEqualTo(photo);
    }
    assertThat(getBytes(claim.getString("photoUrl"), api.viewer("小赵").token()).statusCode()).isEqualTo(403);
    assertThat(getBytes(claim.getString("photoUrl"), leader(store, "王叔").token()).statusCode()).isEqualTo(403);
    assertThat(getBytes(claim.getString("photoUrl"), store(false).shop.ownerToken()).statusCode()).isEqualTo(403);

    // What is claimed and undecided counts against what may still be claimed.
    assertThat(api.post(claims, buyer.token(), peach.copy().put("requestedFen", 4981)).status()).isEqualTo(422);

    // After the window (48 hours by default) no claim is taken.
    CLOCK.advance(Duration.ofHours(49));
    try {
      ApiClient.Response late = api.post(claims, buyer.token(), peach.copy().put("requestedFen", 100));
      assertThat(late.status()).isEqualTo(409);
      assertThat(late.json().getString("type")).endsWith("/claim-window-closed");
    } finally {
      CLOCK.advance(Duration.ofHours(-49));
    }
    assertThat(ledger(order)).isEqualTo(5980);
  }

  @Test
  void theLeaderCompensatesWithinTheLimitAndStaffDecideTheRest() {
    Store store = store(true);
    Leader zhang = leader(store, "张阿姨");
    Leader li = leader(store, "李叔");
    String home = point(store, zhang, "张阿姨家");
    ApiClient.Viewer buyer = api.viewer("小王");
    String order = completedOrder(store, zhang, home, buyer);
    assertThat(ledger(order)).isEqualTo(5980);

    // Within the store's limit (2000 fen by default): the leader pays on the spot, the store owes the leader.
    JsonObject first = openClaim(order, buyer, "DAMAGED", 1500);
    String firstPath = "/api/claims/" + first.getString("id");
    assertThat(api.post(firstPath + "/compensate", li.token(), new JsonObject().put("amountFen", 1500)).status())
        .as("another point's leader").isEqualTo(403);
    assertThat(api.post(firstPath + "/compensate", buyer.token(), new JsonObject().put("amountFen", 1500)).status())
        .isEqualTo(403);
    assertThat(api.post(firstPath + "/compensate", zhang.token(), new JsonObject().put("amountFen", 1600)).status())
        .as("more than claimed").isEqualTo(422);
    JsonObject paid = ApiClient.expect(api.post(firstPath + "/compensate", zhang.token(),
        new JsonObject().put("amountFen", 1500).put("note", "当面赔了15元")), 200).json();
    assertThat(paid.getString("status")).isEqualTo("COMPENSATED");
    assertThat(paid.getLong("grantedFen")).isEqualTo(1500);
    assertThat(paid.getString("settlement")).isEqualTo("LEADER_CASH");
    JsonObject step = paid.getJsonArray("events").getJsonObject(1);
    assertThat(step.getString("actorKind")).isEqualTo("LEADER");
    assertThat(step.getString("actorId")).isEqualTo(zhang.id());
    assertThat(step.getString("note")).isEqualTo("当面赔了15元");
    assertThat(step.getString("at")).isNotBlank();
    assertThat(ledger(order)).as("paid - compensated").isEqualTo(5980 - 1500);
    assertThat(count("select count(*) from ledger_entries where kind = 'COMPENSATION' and order_id = "
        + Ids.parse(order))).isEqualTo(1);
    assertThat(api.post(firstPath + "/compensate", zhang.token(), new JsonObject().put("amountFen", 1500)).status())
        .as("decided twice").isEqualTo(409);
    assertThat(api.post(firstPath + "/approve", store.shop.ownerToken(), new JsonObject().put("amountFen", 1500))
        .status()).isEqualTo(409);
    JsonObject owed = ApiClient.expect(api.get("/api/leaders/" + zhang.id() + "/ledger", zhang.token()), 200).json();
    assertThat(owed.getLong("owedFen")).isEqualTo(1500);
    assertThat(owed.getJsonArray("compensations").getJsonObject(0).getString("claimId"))
        .isEqualTo(first.getString("id"));
    assertThat(api.get("/api/leaders/" + zhang.id() + "/ledger", li.token()).status()).isEqualTo(403);

    // Over the limit: the leader cannot pay it, escalates; staff approve part, refunded through the provider.
    JsonObject second = openClaim(order, buyer, "QUALITY", 3000);
    String secondPath = "/api/claims/" + second.getString("id");
    ApiClient.Response over = api.post(secondPath + "/compensate", zhang.token(), new JsonObject().put("amountFen", 3000));
    assertThat(over.status()).isEqualTo(422);
    assertThat(over.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("amountFen");
    assertThat(over.json().getString("detail")).contains("2000");
    assertThat(ApiClient.expect(api.post(secondPath + "/escalate", zhang.token(), new JsonObject()
        .put("note", "超出我的额度")), 200).json().getString("status")).isEqualTo("ESCALATED");
    assertThat(api.post(secondPath + "/compensate", zhang.token(), new JsonObject().put("amountFen", 1000)).status())
        .as("escalated claims are the store's").isEqualTo(409);
    assertThat(api.post(secondPath + "/approve", zhang.token(), new JsonObject().put("amountFen", 2500)).status())
        .as("a leader is not staff").isEqualTo(403);
    assertThat(api.post(secondPath + "/approve", store(false).shop.ownerToken(), new JsonObject().put("amountFen", 2500))
        .status()).as("another store's staff").isEqualTo(403);
    assertThat(api.post(secondPath + "/approve", store.shop.ownerToken(), new JsonObject().put("amountFen", 3001))
        .status()).isEqualTo(422);
    JsonObject approved = ApiClient.expect(api.post(secondPath + "/approve", store.shop.ownerToken(),
        new JsonObject().put("amountFen", 2500).put("note", "部分退款")), 200).json();
    assertThat(approved.getString("status")).isEqualTo("APPROVED");
    assertThat(approved.getString("settlement")).isEqualTo("PROVIDER_REFUND");
    // The provider accepted the refund; its notification says when the money is back.
    assertThat(approved.getJsonObject("refund").getString("status")).isIn("PENDING", "SUCCEEDED");
    assertThat(approved.getJsonObject("refund").getLong("amountFen")).isEqualTo(2500);
    assertThat(awaitRefund(secondPath, store.shop.ownerToken(), "SUCCEEDED").getLong("amountFen")).isEqualTo(2500);
    // The order stays COMPLETED, yet the household is told its money is back (order.refund on its sockets).
    JsonObject told = ApiClient.expect(api.get("/api/me/order-events", buyer.token()), 200).json()
        .getJsonArray("events").stream().map(e -> (JsonObject) e).filter(e -> "order.refund".equals(e.getString("type")))
        .findFirst().orElseThrow();
    assertThat(told.getJsonObject("refund").getString("reason")).isEqualTo("CLAIM");
    assertThat(told.getJsonObject("refund").getString("claimId")).isEqualTo(second.getString("id"));
    assertThat(told.getJsonObject("refund").getString("status")).isEqualTo("SUCCEEDED");
    assertThat(told.getLong("refundedFen")).isEqualTo(2500);
    assertThat(approved.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("to")).toList())
        .containsExactly("OPEN", "ESCALATED", "APPROVED");
    assertThat(approved.getJsonArray("events").getJsonObject(2).getString("actorKind")).isEqualTo("STAFF");
    assertThat(count("select count(*) from refunds where reason = 'CLAIM' and status = 'SUCCEEDED' and order_id = "
        + Ids.parse(order))).isEqualTo(1);
    assertThat(ledger(order)).as("paid - refunded - compensated").isEqualTo(5980 - 1500 - 2500);
    assertThat(api.post(secondPath + "/approve", store.shop.ownerToken(), new JsonObject().put("amountFen", 2500))
        .status()).as("approved twice").isEqualTo(409);
    assertThat(ledger(order)).isEqualTo(1980);
    assertThat(count("select count(*) from refunds where order_id = " + Ids.parse(order))).isEqualTo(1);

    // Staff deny, with a reason; what is left to claim is what the household still effectively paid.
    assertThat(api.post("/api/orders/" + order + "/claims", buyer.token(), new JsonObject().put("reason", "OTHER")
        .put("requestedFen", 1981)).status()).isEqualTo(422);
    JsonObject third = openClaim(order, buyer, "OTHER", 500);
    String thirdPath = "/api/claims/" + third.getString("id");
    JsonObject denied = ApiClient.expect(api.post(thirdPath + "/deny", store.shop.ownerToken(),
        new JsonObject().put("reason", "照片显示商品完好")), 200).json();
    assertThat(denied.getString("status")).isEqualTo("DENIED");
    assertThat(denied.getJsonArray("events").getJsonObject(1).getString("note")).isEqualTo("照片显示商品完好");
    assertThat(api.post(thirdPath + "/deny", store.shop.ownerToken(), new JsonObject().put("reason", "again"))
        .status()).isEqualTo(409);
    assertThat(api.post(thirdPath + "/approve", store.shop.ownerToken(), new JsonObject().put("amountFen", 500))
        .status()).isEqualTo(409);
    assertThat(ledger(order)).isEqualTo(1980);

    // Everyone allowed sees the claims and their steps.
    assertThat(api.get("/api/orders/" + order + "/claims", buyer.token()).json().getJsonArray("claims")).hasSize(3);
    assertThat(api.get("/api/orders/" + order + "/claims", api.viewer("小李").token()).status()).isEqualTo(403);
    assertThat(api.get("/api/leader/claims?status=COMPENSATED", zhang.token()).json().getJsonArray("claims"))
        .hasSize(1);
    assertThat(api.get("/api/stores/" + store.shop.storeId() + "/claims?status=APPROVED", store.shop.ownerToken())
        .json().getJsonArray("claims")).hasSize(1);
    assertThat(api.get(thirdPath, zhang.token()).status()).isEqualTo(200);
    assertThat(api.get(thirdPath, li.token()).status()).isEqualTo(403);

    // The store settles with the leader.
    JsonObject listed = api.get("/api/stores/" + store.shop.storeId() + "/leaders", store.shop.ownerToken()).json()
        .getJsonArray("leaders").stream().map(l -> (JsonObject) l).filter(l -> l.getString("id").equals(zhang.id()))
        .findFirst().orElseThrow();
    assertThat(listed.getLong("owedFen")).isEqualTo(1500);
    assertThat(api.post("/api/leaders/" + zhang.id() + "/settlements", zhang.token(), null).status()).isEqualTo(403);
    assertThat(api.post("/api/leaders/" + zhang.id() + "/settlements", store(false).shop.ownerToken(), null).status())
        .isEqualTo(403);
    JsonObject settled = ApiClient.expect(api.post("/api/leaders/" + zhang.id() + "/settlements",
        store.shop.ownerToken(), null), 201).json();
    assertThat(settled.getLong("amountFen")).isEqualTo(1500);
    JsonObject after = api.get("/api/leaders/" + zhang.id() + "/ledger", store.shop.ownerToken()).json();
    assertThat(after.getLong("owedFen")).isZero();
    assertThat(after.getLong("settledFen")).isEqualTo(1500);
    assertThat(api.post("/api/leaders/" + zhang.id() + "/settlements", store.shop.ownerToken(), null).status())
        .isEqualTo(409);
    assertThat(ledger(order)).isEqualTo(1980);
  }

  @Test
  void aPayOnPickupOrderIsCompensatedInCashAndItsLedgerStaysEmpty() {
    Store store = store(false);
    Leader zhang = leader(store, "张阿姨");
    String home = point(store, zhang, "张阿姨家");
    ApiClient.Viewer buyer = api.viewer("小王");
    String order = completedOrder(store, zhang, home, buyer);
    JsonObject small = openClaim(order, buyer, "MISSING", 800);
    assertThat(ApiClient.expect(api.post("/api/claims/" + small.getString("id") + "/compensate", zhang.token(),
        new JsonObject().put("amountFen", 800)), 200).json().getString("settlement")).isEqualTo("LEADER_CASH");
    JsonObject big = openClaim(order, buyer, "QUALITY", 5000);
    assertThat(api.post("/api/orders/" + order + "/claims", buyer.token(), new JsonObject().put("reason", "OTHER")
        .put("requestedFen", 181)).status()).as("5980 paid at the counter").isEqualTo(422);
    JsonObject approved = ApiClient.expect(api.post("/api/claims/" + big.getString("id") + "/approve",
        store.shop.ownerToken(), new JsonObject().put("amountFen", 5000)), 200).json();
    assertThat(approved.getString("settlement")).isEqualTo("STORE_CASH");
    assertThat(approved.getValue("refund")).isNull();
    assertThat(ledger(order)).as("no money passed through Linli").isZero();
    assertThat(count("select count(*) from refunds where order_id = " + Ids.parse(order))).isZero();
    assertThat(api.get("/api/leaders/" + zhang.id() + "/ledger", zhang.token()).json().getLong("owedFen"))
        .isEqualTo(800);
  }

  // ---- the story's steps ----

  private record Store(ApiClient.Shop shop) {}

  private record Leader(String id, String phone, String referralCode, String token) {}

  private static Store store(boolean online) {
    ApiClient.Shop shop = api.openShop("1390000" + String.format("%04d", 7000 + PHONES.incrementAndGet()), 1,
        "BUYERS", 50, 5);
    if (online) {
      api.payOnline(shop, 10);
    }
    return new Store(shop);
  }

  private static Leader leader(Store store, String name) {
    String phone = "1370000" + String.format("%04d", PHONES.incrementAndGet());
    JsonObject l = ApiClient.expect(api.post("/api/stores/" + store.shop.storeId() + "/leaders",
        store.shop.ownerToken(), new JsonObject().put("name", name).put("phone", phone)
            .put("password", "leader-pass-1")), 201).json();
    JsonObject session = ApiClient.expect(api.post("/api/leader-sessions", null, new JsonObject().put("phone", phone)
        .put("password", "leader-pass-1")), 200).json();
    assertThat(session.getJsonObject("leader").getString("id")).isEqualTo(l.getString("id"));
    return new Leader(l.getString("id"), phone, l.getString("referralCode"), session.getString("token"));
  }

  private static String point(Store store, Leader leader, String name) {
    JsonObject p = ApiClient.expect(api.post("/api/stores/" + store.shop.storeId() + "/pickup-points",
        store.shop.ownerToken(), new JsonObject().put("name", name).put("kind", "LEADER_HOME")
            .put("address", "幸福里" + name).put("leaderId", leader.id())), 201).json();
    assertThat(p.getString("leaderId")).isEqualTo(leader.id());
    return p.getString("id");
  }

  private static String join(Store store, ApiClient.Viewer v, JsonObject body) {
    return ApiClient.expect(api.post("/api/deals/" + store.shop.dealId() + "/join", v.token(), body), 201).json()
        .getJsonObject("order").getString("id");
  }

  private static void pay(String order, ApiClient.Viewer v) {
    JsonObject payment = ApiClient.expect(api.post("/api/orders/" + order + "/payments", v.token(), null,
        Map.of("Idempotency-Key", "pay-" + order)), 201).json();
    ApiClient.expect(api.postForm(payment.getString("payUrl"), "outcome=pay"), 200);
    assertThat(api.awaitOrder(order, v, Duration.ofSeconds(5), "PAID", "CONFIRMED")).isIn("PAID", "CONFIRMED");
  }

  /** Closes the deal, packs the bags and takes them to their points; answers the household's code. */
  private static String arrive(Store store, String order, ApiClient.Viewer v) {
    ApiClient.expect(api.post("/api/deals/" + store.shop.dealId() + "/close", store.shop.ownerToken(), null), 200);
    ApiClient.expect(api.post("/api/deals/" + store.shop.dealId() + "/fulfillment", store.shop.ownerToken(),
        new JsonObject().put("to", "PACKED")), 200);
    ApiClient.expect(api.post("/api/deals/" + store.shop.dealId() + "/fulfillment", store.shop.ownerToken(),
        new JsonObject().put("to", "AT_PICKUP_POINT")), 200);
    JsonObject mine = ApiClient.expect(api.get("/api/orders/" + order, v.token()), 200).json();
    assertThat(mine.getString("status")).isEqualTo("AT_PICKUP_POINT");
    return mine.getString("pickupCode");
  }

  /** Two units at 2990 fen, paid (online stores) and handed over by the leader: 5980 fen paid. */
  private static String completedOrder(Store store, Leader leader, String point, ApiClient.Viewer v) {
    String order = join(store, v, new JsonObject().put("quantity", 2).put("pickupPointId", point));
    if (api.get("/api/orders/" + order, v.token()).json().getString("status").equals("PENDING_PAYMENT")) {
      pay(order, v);
    }
    String code = arrive(store, order, v);
    ApiClient.expect(api.post("/api/pickup-points/" + point + "/handover", leader.token(),
        new JsonObject().put("code", code)), 200);
    return order;
  }

  private static JsonObject openClaim(String order, ApiClient.Viewer v, String reason, long fen) {
    return ApiClient.expect(api.post("/api/orders/" + order + "/claims", v.token(), new JsonObject()
        .put("reason", reason).put("requestedFen", fen)), 201).json();
  }

  /** The claim's refund once the provider's notification has settled it. */
  private static JsonObject awaitRefund(String claimPath, String token, String status) {
    JsonObject refund = null;
    for (int i = 0; i < 200 && (refund == null || !status.equals(refund.getString("status"))); i++) {
      OneNodeTest.sleep(25);
      refund = api.get(claimPath, token).json().getJsonObject("refund");
    }
    assertThat(refund.getString("status")).isEqualTo(status);
    return refund;
  }

  /** The order's money ledger: what the household effectively paid through Linli. */
  private static long ledger(String order) {
    return count("select coalesce(sum(amount_fen), 0) from ledger_entries where order_id = " + Ids.parse(order));
  }

  private static byte[] png() {
    try {
      BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
      image.setRGB(3, 3, 0xFF8800);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static HttpResponse<byte[]> getBytes(String path, String token) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.base() + path))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
