package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.core.auth.Caller;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad requests get a clear problem+json naming what is wrong, and write nothing. */
class BadInputTest extends OneNodeTest {
  private static final String TABLES = "select (select count(*) from stores) + (select count(*) from staff)"
      + " + (select count(*) from products) + (select count(*) from streams) + (select count(*) from deals)"
      + " + (select count(*) from orders) + (select count(*) from viewers)";
  private static ApiClient.Shop shop;
  private static ApiClient.Shop otherShop;
  private static ApiClient.Viewer viewer;
  private long rowsBefore;

  @BeforeAll
  static void openShops() {
    shop = api.openShop("13900000004", 3, "BUYERS", 10, 2);
    otherShop = api.openShop("13900000005", 3, "BUYERS", 10, 2);
    viewer = api.viewer("小王");
  }

  @BeforeEach
  void countRows() {
    rowsBefore = rows();
  }

  @AfterEach
  void nothingWritten() {
    assertThat(rows()).as("rows written by a refused request").isEqualTo(rowsBefore);
  }

  private String join() {
    return "/api/deals/" + shop.dealId() + "/join";
  }

  @Test
  void malformedJson() {
    ApiClient.Response r = api.post(join(), viewer.token(), "{\"quantity\": 1,");
    problem(r, 400);
  }

  @Test
  void wrongType() {
    ApiClient.Response r = api.post(join(), viewer.token(), new JsonObject().put("quantity", "two"));
    problem(r, 400);
    assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("quantity");
  }

  /** The node remembers bodies and path parameters it found valid; that lets no other body or path through. */
  @Test
  void validInputsSeenBeforeLetNothingElseThrough() {
    for (int i = 0; i < 3; i++) {
      problem(api.post(join(), viewer.token(), "{\"quantity\":0}"), 422);
    }
    ApiClient.Response extra = api.post(join(), viewer.token(), "{\"quantity\":0,\"extra\":1}");
    problem(extra, 400);
    ApiClient.Response text = api.post(join(), viewer.token(), "{\"quantity\":\"0\"}");
    problem(text, 400);
    assertThat(text.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("quantity");
    problem(api.post("/api/deals/" + "A".repeat(33) + "/join", viewer.token(), "{\"quantity\":0}"), 400);
  }

  /** A signed token whose viewer the record does not have (deleted, or another database's): 401, nothing written. */
  @Test
  void viewerTheRecordDoesNotHave() {
    String stranger = node.platform().tokens().issue(new Caller(Caller.Kind.VIEWER, 4_242_424_242L, "路人"));
    ApiClient.Response r = api.post(join(), stranger, new JsonObject().put("quantity", 1),
        Map.of("Idempotency-Key", "stranger"));
    problem(r, 401);
  }

  @Test
  void missingField() {
    ApiClient.Response r = api.post("/api/stores/" + shop.storeId() + "/products", shop.ownerToken(),
        new JsonObject().put("name", "西瓜").put("stock", 5));
    problem(r, 400);
    assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("priceFen");
  }

  @Test
  void badQuantities() {
    for (long q : new long[] {0, -1, 1_000_000_000L}) {
      ApiClient.Response r = api.post(join(), viewer.token(), new JsonObject().put("quantity", q),
          Map.of("Idempotency-Key", "q" + q));
      problem(r, 422);
      assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("quantity");
    }
  }

  @Test
  void unknownIds() {
    problem(api.post("/api/deals/0ABCDEFGHJKMN/join", viewer.token(), new JsonObject().put("quantity", 1)), 404);
    problem(api.post("/api/deals/not-an-id/join", viewer.token(), new JsonObject().put("quantity", 1)), 404);
    problem(api.get("/api/deals/0ABCDEFGHJKMN", null), 404);
    problem(api.get("/api/orders/0ABCDEFGHJKMN", viewer.token()), 404);
    problem(api.post("/api/streams/0ABCDEFGHJKMN/start", shop.ownerToken(), null), 404);
    problem(api.get("/api/no/such/thing", null), 404);
  }

  @Test
  void hugeBody() {
    String big = "x".repeat(2 * 1024 * 1024);
    ApiClient.Response r = api.post("/api/viewers", null, new JsonObject().put("nickname", big));
    problem(r, 413);
  }

  @Test
  void noToken() {
    problem(api.post(join(), null, new JsonObject().put("quantity", 1)), 401);
    problem(api.post("/api/stores/" + shop.storeId() + "/products", null,
        new JsonObject().put("name", "西瓜").put("priceFen", 100).put("stock", 5)), 401);
  }

  @Test
  void forgedToken() {
    String[] parts = viewer.token().split("\\.");
    String forged = parts[0] + "." + parts[1] + "." + "AAAA" + parts[2].substring(4);
    problem(api.post(join(), forged, new JsonObject().put("quantity", 1)), 401);
    problem(api.post(join(), "not.a.token", new JsonObject().put("quantity", 1)), 401);
  }

  @Test
  void anotherStoresToken() {
    problem(api.post("/api/stores/" + shop.storeId() + "/products", otherShop.ownerToken(),
        new JsonObject().put("name", "西瓜").put("priceFen", 100).put("stock", 5)), 403);
    problem(api.post("/api/streams/" + shop.streamId() + "/end", otherShop.ownerToken(), null), 403);
    problem(api.post("/api/streams/" + shop.streamId() + "/deals", otherShop.ownerToken(), new JsonObject()
        .put("productId", otherShop.productId()).put("groupPriceFen", 100).put("threshold", 2)
        .put("countBy", "BUYERS").put("stock", 2).put("perBuyerLimit", 1)
        .put("endsAt", "2030-01-01T00:00:00+08:00")), 403);
  }

  @Test
  void staffCannotJoinAndViewersCannotManage() {
    problem(api.post(join(), shop.ownerToken(), new JsonObject().put("quantity", 1)), 403);
    problem(api.post("/api/streams/" + shop.streamId() + "/end", viewer.token(), null), 403);
  }

  private static ApiClient.Response problem(ApiClient.Response r, int status) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonObject p = r.json();
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("type")).startsWith("https://");
    assertThat(p.getString("title")).isNotBlank();
    assertThat(r.text()).doesNotContain("Exception").doesNotContain("\tat ");
    if (status == 400 || status == 422) {
      assertThat(p.getJsonArray("errors")).as("errors in " + r.text()).isNotEmpty();
    }
    return r;
  }

  private static long rows() {
    return count(TABLES);
  }
}
