package io.linli.ops;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A plain HTTP client for tests, the way an outside client sees the API (java.net.http, JSON bodies). Public for the
 * browser tests in io.linli.ops.pages.
 */
public final class ApiClient {
  public record Response(int status, String contentType, String text) {
    public JsonObject json() {
      return new JsonObject(text);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public ApiClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public String base() {
    return base;
  }

  public Response get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  /** The answer as bytes, with its headers: what a browser saves for a download. */
  public HttpResponse<byte[]> download(String path, String token) {
    try {
      return http.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A CSV answer's text after its UTF-8 byte-order mark (which every CSV answer starts with, for Excel). */
  public static String csv(Response r) {
    if (!r.text().startsWith("\uFEFF")) {
      throw new AssertionError("a CSV without its byte-order mark: " + r.text());
    }
    return r.text().substring(1);
  }

  public Response post(String path, String token, Object body) {
    return post(path, token, body, Map.of());
  }

  Response post(String path, String token, Object body, Map<String, String> headers) {
    return await(postAsync(path, token, body, headers));
  }

  CompletableFuture<Response> postAsync(String path, String token, Object body, Map<String, String> headers) {
    HttpRequest.Builder b = request(path, token)
        .header("Content-Type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.toString()));
    headers.forEach(b::header);
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body()));
  }

  /** A browser submitting a form (the sandbox's pay page). */
  public Response postForm(String path, String form) {
    return send(request(path, null).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build());
  }

  public Response put(String path, String token, Object body) {
    return send(request(path, token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build());
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Response await(CompletableFuture<Response> f) {
    return f.join();
  }

  // ---- the story's steps, each asserting the happy answer ----

  /** A store with a product, a live stream and a deal; answers their ids and the owner's token. */
  public record Shop(String storeId, String ownerToken, String productId, String streamId, String dealId) {}

  public Shop openShop(String phone, int threshold, String countBy, int stock, int perBuyerLimit) {
    Response store = post("/api/stores", null, new JsonObject().put("name", "鲜邻优选·测试店")
        .put("ownerName", "王店长").put("phone", phone).put("password", "password-123"));
    expect(store, 201);
    String storeId = store.json().getJsonObject("store").getString("id");
    String token = store.json().getString("token");
    Response product = post("/api/stores/" + storeId + "/products", token, new JsonObject()
        .put("name", "土鸡蛋 30枚").put("priceFen", 3990).put("stock", stock + 100));
    expect(product, 201);
    Response stream = post("/api/stores/" + storeId + "/streams", token, new JsonObject()
        .put("title", "周三晚8点·鲜邻厨房").put("scheduledAt", "2026-11-25T20:00:00+08:00"));
    expect(stream, 201);
    String streamId = stream.json().getString("id");
    expect(post("/api/streams/" + streamId + "/start", token, null), 200);
    Response deal = post("/api/streams/" + streamId + "/deals", token, new JsonObject()
        .put("productId", product.json().getString("id")).put("groupPriceFen", 2990)
        .put("threshold", threshold).put("countBy", countBy).put("stock", stock)
        .put("perBuyerLimit", perBuyerLimit)
        .put("endsAt", OffsetDateTime.now(ZoneOffset.ofHours(8)).plusDays(1).toString()));
    expect(deal, 201);
    return new Shop(storeId, token, product.json().getString("id"), streamId, deal.json().getString("id"));
  }

  /** A viewer's id and token. */
  public record Viewer(String id, String token) {}

  public Viewer viewer(String nickname) {
    return viewer(nickname, null);
  }

  /** A viewer who also gave a phone number (the pick list shows its last four digits); none when null. */
  public Viewer viewer(String nickname, String phone) {
    JsonObject body = new JsonObject().put("nickname", nickname);
    if (phone != null) {
      body.put("phone", phone);
    }
    Response r = expect(post("/api/viewers", null, body), 201);
    return new Viewer(r.json().getString("viewerId"), r.json().getString("token"));
  }

  public static Response expect(Response r, int status) {
    if (r.status() != status) {
      throw new AssertionError("expected " + status + " but got " + r.status() + ": " + r.text());
    }
    return r;
  }

  /** Switches the shop to online payment: a join holds its units for {@code windowMinutes} until it is paid. */
  public void payOnline(Shop shop, int windowMinutes) {
    expect(put("/api/stores/" + shop.storeId() + "/payment-settings", shop.ownerToken(),
        new JsonObject().put("mode", "ONLINE").put("paymentWindowMinutes", windowMinutes)), 200);
  }

  /** Starts a sandbox payment for the viewer's order; answers the hosted pay page's address. */
  public String payUrl(String orderId, Viewer v) {
    return expect(post("/api/orders/" + orderId + "/payments", v.token(), null), 201).json().getString("payUrl");
  }

  /** The order's status as its viewer reads it. */
  public String orderStatus(String orderId, Viewer v) {
    return get("/api/orders/" + orderId, v.token()).json().getString("status");
  }

  /**
   * The order's status once it is one of {@code statuses}, read as its viewer sees it; what it last was if that
   * takes more than 10 s (the sweeps and notifications that move it run asynchronously).
   */
  public String awaitOrder(String orderId, Viewer v, String... statuses) {
    return awaitOrder(orderId, v, Duration.ofSeconds(10), statuses);
  }

  /** As {@link #awaitOrder(String, Viewer, String...)}, giving up after {@code within}. */
  public String awaitOrder(String orderId, Viewer v, Duration within, String... statuses) {
    List<String> wanted = List.of(statuses);
    long until = System.nanoTime() + within.toNanos();
    String last = orderStatus(orderId, v);
    while (!wanted.contains(last) && System.nanoTime() < until) {
      OneNodeTest.sleep(25);
      last = orderStatus(orderId, v);
    }
    return last;
  }
}
