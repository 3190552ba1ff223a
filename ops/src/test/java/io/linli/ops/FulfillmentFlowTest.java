package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** After the stream: pick list per pickup point, packed, arrived with codes, handed over at the counter. */
class FulfillmentFlowTest extends OneNodeTest {

  @Test
  void bagsTravelToTheirPickupPointsAndAreHandedOverAgainstTheirCodes() throws Exception {
    ApiClient.Shop shop = api.openShop("13900000061", 2, "BUYERS", 10, 2);
    JsonObject leaderHome = ApiClient.expect(api.post("/api/stores/" + shop.storeId() + "/pickup-points",
        shop.ownerToken(), new JsonObject().put("name", "幸福里3号楼·张阿姨家").put("kind", "LEADER_HOME")
            .put("address", "幸福里3号楼2单元101").put("openingHours", "18:00-21:00")), 201).json();
    ApiClient.Viewer wang = api.viewer("小王", "13812345678");
    ApiClient.Viewer li = api.viewer("小李", "13987654321");
    String wangOrder = join(shop, wang, new JsonObject().put("quantity", 2).put("pickupPointId", leaderHome.getString("id")));
    String liOrder = join(shop, li, new JsonObject().put("quantity", 1));
    ApiClient.Response foreignPoint = api.post("/api/deals/" + shop.dealId() + "/join", api.viewer("小赵", null).token(),
        new JsonObject().put("quantity", 1).put("pickupPointId", "0ABCDEFGHJKMN"));
    assertThat(foreignPoint.status()).isEqualTo(422);

    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/close", shop.ownerToken(), null), 200);
    JsonObject list = ApiClient.expect(api.get("/api/deals/" + shop.dealId() + "/pick-list", shop.ownerToken()), 200)
        .json();
    JsonArray points = list.getJsonArray("pickupPoints");
    assertThat(points).hasSize(2);
    JsonObject home = points.stream().map(p -> (JsonObject) p)
        .filter(p -> leaderHome.getString("id").equals(p.getString("pickupPointId"))).findFirst().orElseThrow();
    assertThat(home.getInteger("units")).isEqualTo(2);
    assertThat(home.getJsonArray("bags").getJsonObject(0).getString("nickname")).isEqualTo("小王");
    assertThat(home.getJsonArray("bags").getJsonObject(0).getString("phoneTail")).isEqualTo("5678");

    ApiClient.Response csv = ApiClient.expect(api.get("/api/deals/" + shop.dealId() + "/pick-list?format=csv",
        shop.ownerToken()), 200);
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(ApiClient.csv(csv).lines().toList()).hasSize(3)
        .first().asString().startsWith("pickup_point,address,product,order_id,nickname,phone_tail,quantity");
    assertThat(csv.text()).contains("幸福里3号楼·张阿姨家", "小王", "5678", wangOrder);
    // Saved as a file that Excel on Windows opens as UTF-8: the byte-order mark EF BB BF comes first.
    HttpResponse<byte[]> file = api.download("/api/deals/" + shop.dealId() + "/pick-list?format=csv",
        shop.ownerToken());
    assertThat(Arrays.copyOf(file.body(), 3)).containsExactly(0xEF, 0xBB, 0xBF);
    assertThat(new String(file.body(), 3, file.body().length - 3, StandardCharsets.UTF_8))
        .startsWith("pickup_point,").contains("幸福里3号楼·张阿姨家");
    assertThat(file.headers().firstValue("Content-Disposition"))
        .contains("attachment; filename=\"pick-list-" + shop.dealId() + ".csv\"");

    // Nothing can be handed over before it is packed and has arrived.
    assertThat(api.post("/api/orders/" + wangOrder + "/arrive", shop.ownerToken(), null).status()).isEqualTo(409);
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/fulfillment", shop.ownerToken(),
        new JsonObject().put("to", "PACKED")), 200);
    ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/fulfillment", shop.ownerToken(),
        new JsonObject().put("to", "AT_PICKUP_POINT").put("pickupPointId", leaderHome.getString("id"))), 200);

    JsonObject mine = ApiClient.expect(api.get("/api/orders/" + wangOrder, wang.token()), 200).json();
    assertThat(mine.getString("status")).isEqualTo("AT_PICKUP_POINT");
    String code = mine.getString("pickupCode");
    assertThat(code).matches("\\d{6}");
    assertThat(api.get("/api/orders/" + wangOrder, shop.ownerToken()).json().getString("pickupCode"))
        .as("staff do not see codes").isNull();
    assertThat(api.get("/api/orders/" + liOrder, li.token()).json().getString("status")).isEqualTo("PACKED");

    byte[] png = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.base() + "/api/orders/"
            + wangOrder + "/pickup-code.png")).header("Authorization", "Bearer " + wang.token()).build(),
        HttpResponse.BodyHandlers.ofByteArray()).body();
    String scanned = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
        new BufferedImageLuminanceSource(ImageIO.read(new ByteArrayInputStream(png)))))).getText();
    assertThat(scanned).isEqualTo(code);
    assertThat(api.get("/api/orders/" + wangOrder + "/pickup-code.png", li.token()).status()).isEqualTo(403);

    String handover = "/api/pickup-points/" + leaderHome.getString("id") + "/handover";
    String wrong = code.equals("000000") ? "000001" : "000000";
    assertThat(api.post(handover, shop.ownerToken(), new JsonObject().put("code", wrong)).status()).isEqualTo(422);
    JsonObject done = ApiClient.expect(api.post(handover, shop.ownerToken(), new JsonObject().put("code", code)), 200)
        .json();
    assertThat(done.getString("status")).isEqualTo("COMPLETED");
    ApiClient.Response again = api.post(handover, shop.ownerToken(), new JsonObject().put("code", code));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().getString("type")).endsWith("/code-used");
    assertThat(api.post("/api/orders/" + wangOrder + "/pack", shop.ownerToken(), null).status())
        .as("no way back").isEqualTo(409);

    assertThat(count("select count(*) from order_events e where e.order_id = " + io.linli.core.id.Ids.parse(wangOrder)
        + " and e.actor_kind = 'STAFF'")).as("packed, arrived, handed over - each by staff").isEqualTo(3);
  }

  @Test
  void guessingCodesLocksThePoint() {
    ApiClient.Shop shop = api.openShop("13900000062", 1, "BUYERS", 10, 2);
    JsonObject counter = api.get("/api/stores/" + shop.storeId() + "/pickup-points", shop.ownerToken()).json()
        .getJsonArray("pickupPoints").getJsonObject(0);
    String handover = "/api/pickup-points/" + counter.getString("id") + "/handover";
    int refused = 0;
    for (int i = 0; i < 25; i++) {
      int status = api.post(handover, shop.ownerToken(), new JsonObject().put("code", String.format("%06d", i)))
          .status();
      if (status == 429) {
        refused++;
      } else {
        assertThat(status).isEqualTo(422);
      }
    }
    assertThat(refused).isEqualTo(5);
    ApiClient.Shop other = api.openShop("13900000063", 1, "BUYERS", 10, 2);
    assertThat(api.post(handover, other.ownerToken(), new JsonObject().put("code", "123456")).status())
        .as("another store's staff").isEqualTo(403);
  }

  private String join(ApiClient.Shop shop, ApiClient.Viewer v, JsonObject body) {
    return ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", v.token(), body), 201).json()
        .getJsonObject("order").getString("id");
  }
}
