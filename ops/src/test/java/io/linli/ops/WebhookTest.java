package io.linli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linli.commerce.webhook.WebhookSignature;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A store's own system hears of order changes, signed, and a receiver that is down gets them later. */
class WebhookTest extends OneNodeTest {

  record Received(String signature, String body) {}

  @Test
  void orderChangesReachTheStoresReceiverSignedAndRetriedUntilAcknowledged() {
    Vertx vertx = Vertx.vertx();
    List<Received> received = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      received.add(new Received(req.getHeader(WebhookSignature.HEADER), body.toString()));
      // Down for the first two tries.
      req.response().setStatusCode(calls.incrementAndGet() <= 2 ? 503 : 200).end();
    })).listen(0, "127.0.0.1").await();
    try {
      ApiClient.Shop shop = api.openShop("13900000081", 1, "BUYERS", 10, 2);
      JsonObject hook = ApiClient.expect(api.put("/api/stores/" + shop.storeId() + "/webhook", shop.ownerToken(),
          new JsonObject().put("url", "http://127.0.0.1:" + receiver.actualPort() + "/linli")), 200).json();
      String order = ApiClient.expect(api.post("/api/deals/" + shop.dealId() + "/join", api.viewer("小王").token(),
          new JsonObject().put("quantity", 1)), 201).json().getJsonObject("order").getString("id");

      long deadline = System.currentTimeMillis() + 20_000;
      while (calls.get() < 3 && System.currentTimeMillis() < deadline) {
        sleep(100);
      }
      assertThat(received).hasSizeGreaterThanOrEqualTo(3);
      Received last = received.get(received.size() - 1);
      JsonObject event = new JsonObject(last.body());
      assertThat(event.getString("type")).isEqualTo("order.status_changed");
      assertThat(event.getString("orderId")).isEqualTo(order);
      assertThat(event.getString("from")).isEqualTo("PLACED");
      assertThat(event.getString("to")).isEqualTo("CONFIRMED");
      String t = last.signature().replaceAll("^t=(\\d+),v1=.*$", "$1");
      assertThat(last.signature()).isEqualTo(WebhookSignature.sign(hook.getString("secret"), Long.parseLong(t),
          last.body()));

      JsonObject delivery = null;
      for (int i = 0; i < 50; i++) {
        delivery = api.get("/api/stores/" + shop.storeId() + "/webhook/deliveries", shop.ownerToken()).json()
            .getJsonArray("deliveries").getJsonObject(0);
        if ("DELIVERED".equals(delivery.getString("status"))) {
          break;
        }
        sleep(100);
      }
      assertThat(delivery.getString("status")).isEqualTo("DELIVERED");
      assertThat(delivery.getInteger("attempts")).isEqualTo(3);
      assertThat(api.put("/api/stores/" + shop.storeId() + "/webhook", shop.ownerToken(),
          new JsonObject().put("url", "ftp://example")).status()).isEqualTo(400);
    } finally {
      receiver.close().await();
      vertx.close().await();
    }
  }
}
