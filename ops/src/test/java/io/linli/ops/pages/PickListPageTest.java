package io.linli.ops.pages;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.ops.ApiClient;
import io.linli.ops.Node;
import io.linli.ops.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The store's pages in a real Chromium: signing in (a wrong password is shown under the field), and the printable
 * pick list of a formed deal with bags at two pickup points and one delivery, checked against the API's JSON and
 * CSV, with a hostile nickname shown as text.
 */
class PickListPageTest {
  private static final String EVIL = "<img src=x onerror=alert(1)>";
  private static Node node;
  private static ApiClient api;
  private static Chromium chromium;

  @BeforeAll
  static void start() {
    node = TestNode.start(TestNode.freshDatabase());
    api = new ApiClient(node.port());
    chromium = new Chromium(1000, 1400);
  }

  @AfterAll
  static void stop() {
    if (chromium != null) {
      chromium.close();
    }
    if (node != null) {
      node.close().await();
    }
  }

  @Test
  void staffSignInAndPrintThePickListOfAFormedDeal() throws Exception {
    ApiClient.Shop shop = api.openShop("13900000091", 2, "BUYERS", 20, 3);
    String home = point(shop, "幸福里3号楼·张阿姨家", "LEADER_HOME", "幸福里3号楼2单元101");
    String locker = point(shop, "阳光花园丰巢柜", "LOCKER", "阳光花园南门");
    ApiClient.expect(api.post("/api/stores/" + shop.storeId() + "/delivery-zones", shop.ownerToken(),
        new JsonObject().put("name", "幸福里片区").put("kind", "COMMUNITIES").put("communities", new JsonArray().add("幸福里"))
            .put("feeFen", 500).put("slots", new JsonArray()
                .add(new JsonObject().put("kind", "ASAP").put("minMinutes", 60).put("maxMinutes", 120)))), 201);
    join(shop, api.viewer("小王", "13812345678"), new JsonObject().put("quantity", 2).put("pickupPointId", home));
    join(shop, api.viewer(EVIL, "13700001111"), new JsonObject().put("quantity", 1).put("pickupPointId", home));
    join(shop, api.viewer("小李", "13987654321"), new JsonObject().put("quantity", 3).put("pickupPointId", locker));
    join(shop, api.viewer("小张", "13600002222"), new JsonObject().put("quantity", 1).put("delivery",
        new JsonObject().put("address", "幸福里5号楼302").put("community", "幸福里")));
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/close", shop.ownerToken(), null), 200);
    // Bags at the leader's home have arrived, so their codes are on the list; the locker's are only packed.
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/fulfillment", shop.ownerToken(),
        new JsonObject().put("to", "PACKED")), 200);
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/fulfillment", shop.ownerToken(),
        new JsonObject().put("to", "AT_PICKUP_POINT").put("pickupPointId", home)), 200);
    JsonObject list = ApiClient.expect(api.get("/api/deals/" + shop.dealId() + "/pick-list", shop.ownerToken()), 200)
        .json();

    // Opening the list without a session leads to the sign-in page, which leads back after signing in.
    chromium.forgetEverything(api.base());
    chromium.open(api.base() + "/store/pick-list.html?deal=" + shop.dealId());
    chromium.until("the sign-in page", d -> d.getCurrentUrl().contains("/store/?next="));
    chromium.untilText("h1", "店员登录");
    chromium.find("#phone").sendKeys("12");
    chromium.find("#password").sendKeys("wrong-password");
    chromium.find("#submit").click();
    chromium.untilText("#phone-error", "请填写手机号（6–15 位数字）。");
    assertThat(chromium.text("#password-error")).as("the server named only the phone").isEmpty();
    assertThat(chromium.find("#phone").getAttribute("aria-invalid")).isEqualTo("true");
    chromium.find("#phone").clear();
    chromium.find("#phone").sendKeys("13900000091");
    chromium.find("#submit").click();
    chromium.untilText("#password-error", "手机号或密码不对。");
    chromium.screenshot("sign-in-wrong-password");
    assertThat(chromium.text("#phone-error")).isEmpty();
    assertThat(chromium.driver.getCurrentUrl()).contains("/store/");
    chromium.find("#password").clear();
    chromium.find("#password").sendKeys("password-123");
    chromium.find("#submit").click();

    chromium.until("the pick list", d -> d.findElements(By.cssSelector("section.sheet")).size() == 3);
    chromium.untilText("h1", "拣货单");
    List<WebElement> points = chromium.all("section.point");
    assertThat(points).hasSize(2);
    for (Object p : list.getJsonArray("pickupPoints")) {
      JsonObject expected = (JsonObject) p;
      WebElement sheet = chromium.find("section.point[data-pickup-point-id='" + expected.getString("pickupPointId") + "']");
      assertThat(sheet.findElement(By.cssSelector("h2")).getText()).isEqualTo(expected.getString("name"));
      assertThat(sheet.findElement(By.cssSelector(".address")).getText()).isEqualTo(expected.getString("address"));
      assertThat(sheet.findElement(By.cssSelector(".units")).getText()).isEqualTo(expected.getInteger("units").toString());
      assertThat(sheet.findElement(By.cssSelector(".product")).getText()).isEqualTo("土鸡蛋 30枚");
      assertThat(rows(sheet)).containsExactlyElementsOf(expected.getJsonArray("bags").stream()
          .map(b -> (JsonObject) b).map(b -> List.of(b.getString("orderId"), b.getString("nickname"),
              b.getString("phoneTail"), b.getInteger("quantity").toString(),
              b.getString("pickupCode") == null ? "" : b.getString("pickupCode"))).toList());
    }
    WebElement homeSheet = chromium.find("section.point[data-pickup-point-id='" + home + "']");
    assertThat(homeSheet.findElements(By.cssSelector("td.code")).stream().map(WebElement::getText))
        .as("codes of arrived bags").allMatch(code -> code.matches("\\d{6}"));
    assertThat(homeSheet.findElement(By.cssSelector("td.status")).getText()).isEqualTo("已到自提点，可取货");
    assertThat(homeSheet.findElements(By.cssSelector("td.nickname")).stream().map(WebElement::getText))
        .as("a nickname is shown as typed, never parsed").contains(EVIL);
    assertThat(chromium.all("#sheets img")).isEmpty();

    JsonObject slot = list.getJsonArray("deliveries").getJsonObject(0);
    WebElement delivery = chromium.find("section.delivery");
    assertThat(delivery.findElement(By.cssSelector("h2")).getText()).isEqualTo("送货上门 · 60–120 min");
    assertThat(delivery.findElements(By.cssSelector("tbody tr")).stream()
        .map(r -> r.findElement(By.cssSelector(".nickname")).getText() + "|" + r.findElement(By.cssSelector(".address"))
            .getText() + "|" + r.findElement(By.cssSelector(".community")).getText()).toList())
        .containsExactly("小张|幸福里5号楼302|幸福里");
    assertThat(delivery.findElement(By.cssSelector(".units")).getText()).isEqualTo(slot.getInteger("units").toString());
    assertThat(chromium.text("#summary")).contains("4 袋", "共 7 件");

    chromium.screenshot("pick-list");
    // On paper: one sheet per point and per delivery slot, without the buttons.
    assertThat(chromium.printedPages()).isEqualTo(3);
    chromium.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
    assertThat(chromium.js("return getComputedStyle(document.querySelectorAll('section.sheet')[1]).breakBefore"))
        .isEqualTo("page");
    assertThat(chromium.find("#print").isDisplayed()).isFalse();
    chromium.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));

    // The CSV button saves what the same endpoint answers as CSV.
    chromium.find("#csv").click();
    String saved = Files.readString(chromium.downloaded("pick-list-" + shop.dealId() + ".csv"), StandardCharsets.UTF_8);
    String served = ApiClient.expect(api.get("/api/deals/" + shop.dealId() + "/pick-list?format=csv",
        shop.ownerToken()), 200).text();
    assertThat(saved.lines().toList()).hasSize(5).containsExactlyElementsOf(served.lines().toList());
    assertThat(saved).contains(EVIL);

    chromium.find("#lang").click();
    chromium.untilText("h1", "Pick list");
    assertThat(chromium.all("section.point")).hasSize(2);
    assertThat(chromium.find("section.sheet th").getText()).isEqualTo("Nickname");
    assertThat(chromium.find("section.point td.status").getText()).isEqualTo("Ready at the pickup point");
    assertThat(chromium.cspViolations()).isEmpty();
  }

  @Test
  void anotherStoresStaffIsToldTheyMayNotSeeTheList() {
    ApiClient.Shop shop = api.openShop("13900000092", 1, "BUYERS", 5, 1);
    ApiClient.Shop other = api.openShop("13900000093", 1, "BUYERS", 5, 1);
    chromium.forgetEverything(api.base());
    chromium.open(api.base() + "/store/");
    chromium.find("#phone").sendKeys("13900000093");
    chromium.find("#password").sendKeys("password-123");
    chromium.find("#submit").click();
    chromium.until("signed in", d -> d.findElement(By.id("signed-in")).isDisplayed());
    assertThat(chromium.text("#stores")).isEqualTo("鲜邻优选·测试店");
    chromium.find("#deal").sendKeys(shop.dealId());
    chromium.find("#open-pick-list button").click();
    chromium.untilText("#message", "你不是这家店的店员，不能查看这个拣货单。");
    assertThat(chromium.all("section.sheet")).isEmpty();
    assertThat(other.dealId()).isNotEqualTo(shop.dealId());
  }

  private static List<List<String>> rows(WebElement sheet) {
    return sheet.findElements(By.cssSelector("tbody tr")).stream().map(r -> List.of(r.getAttribute("data-order-id"),
        r.findElement(By.cssSelector(".nickname")).getText(), r.findElement(By.cssSelector(".phone")).getText(),
        r.findElement(By.cssSelector(".quantity")).getText(), r.findElement(By.cssSelector(".code")).getText()))
        .toList();
  }

  private static String point(ApiClient.Shop shop, String name, String kind, String address) {
    return ApiClient.expect(api.post("/api/stores/" + shop.storeId() + "/pickup-points", shop.ownerToken(),
        new JsonObject().put("name", name).put("kind", kind).put("address", address)), 201).json().getString("id");
  }

  private static void join(ApiClient.Shop shop, ApiClient.Viewer v, JsonObject body) {
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(), body), 201);
  }
}
