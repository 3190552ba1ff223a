package io.linli.commerce.payment;

import io.linli.core.id.Ids;
import io.linli.core.redis.Redis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox provider's "remote" side: a hosted pay page with pay and fail buttons. Choosing one sends a
 * signed notification to the node's notify URL over HTTP, retried with backoff until it is acknowledged, just
 * as a real provider would. It is not part of Linli's API; it stands in for the provider's site.
 */
public final class SandboxGateway {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxGateway.class);
  private static final int ATTEMPTS = 5;

  private final Vertx vertx;
  private final Redis redis;
  private final SandboxProvider provider;
  private final HttpClient http;
  private volatile String notifyUrl;

  public SandboxGateway(Vertx vertx, Redis redis, SandboxProvider provider) {
    this.vertx = vertx;
    this.redis = redis;
    this.provider = provider;
    this.http = vertx.createHttpClient();
  }

  /** Where notifications go: the node's {@code /api/payments/sandbox/notify}, known once it listens. */
  public void notifyTo(String url) {
    this.notifyUrl = url;
  }

  public void mount(Router router) {
    router.get("/sandbox/pay/:paymentId").handler(this::page);
    router.post("/sandbox/pay/:paymentId").handler(BodyHandler.create().setBodyLimit(1024)).handler(this::choose);
  }

  private void page(RoutingContext ctx) {
    long paymentId = Ids.parse(ctx.pathParam("paymentId"));
    payment(paymentId).onComplete(ar -> {
      Map<String, String> p = ar.succeeded() ? ar.result() : Map.of();
      if (p.isEmpty()) {
        html(ctx, 404, "<h1>支付单不存在 · No such payment</h1>");
        return;
      }
      String amount = String.format("¥%.2f", Long.parseLong(p.get("amountFen")) / 100.0);
      html(ctx, 200, "<h1>Linli 沙箱支付 · Sandbox payment</h1>"
          + "<p class=\"what\">" + escape(p.get("description")) + "</p>"
          + "<p class=\"amount\">" + amount + "</p>"
          + ("PENDING".equals(p.get("status"))
              ? "<form method=\"post\"><button name=\"outcome\" value=\"pay\">支付 Pay</button>"
                  + "<button name=\"outcome\" value=\"fail\">失败 Fail</button></form>"
              : "<p class=\"status\">" + escape(p.get("status")) + "</p>"));
    });
  }

  private void choose(RoutingContext ctx) {
    long paymentId = Ids.parse(ctx.pathParam("paymentId"));
    boolean pay = "pay".equals(ctx.request().getFormAttribute("outcome"));
    String outcome = pay ? "SUCCESS" : "FAIL";
    // Only the first choice counts, as at a real provider: the page cannot pay twice.
    redis.call(c -> c.hsetnx(SandboxProvider.key(paymentId), "chosen", outcome))
        .compose(first -> payment(paymentId).map(p -> first && !p.isEmpty() ? p : null))
        .onComplete(ar -> {
          Map<String, String> p = ar.succeeded() ? ar.result() : null;
          if (p == null) {
            html(ctx, 409, "<h1>此支付单已处理 · Already handled</h1>");
            return;
          }
          redis.call(c -> c.hset(SandboxProvider.key(paymentId), "status", pay ? "PAID" : "FAILED"));
          JsonObject body = new JsonObject().put("eventId", UUID.randomUUID().toString())
              .put("paymentId", Ids.toText(paymentId)).put("outcome", outcome)
              .put("amountFen", Long.parseLong(p.get("amountFen"))).put("providerRef", p.get("providerRef"));
          send(body.encode(), 1);
          html(ctx, 200, pay ? "<h1>支付成功 · Paid</h1>" : "<h1>支付失败 · Payment failed</h1>");
        });
  }

  /** Delivers a notification, retrying with backoff (1 s, 2 s, 4 s, ...) until the node acknowledges it. */
  void send(String body, int attempt) {
    String url = notifyUrl;
    if (url == null) {
      LOG.warn("sandbox notification dropped: no notify URL yet");
      return;
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url);
    provider.signedHeaders(body, UUID.randomUUID().toString()).forEach(options::putHeader);
    http.request(options)
        .compose(req -> req.send(body))
        .onComplete(ar -> {
          boolean acknowledged = ar.succeeded() && ar.result().statusCode() / 100 == 2;
          if (!acknowledged && attempt < ATTEMPTS) {
            vertx.setTimer(1000L << (attempt - 1), t -> send(body, attempt + 1));
          } else if (!acknowledged) {
            LOG.warn("sandbox notification not acknowledged after {} attempts: {}", ATTEMPTS, body);
          }
        });
  }

  private Future<Map<String, String>> payment(long paymentId) {
    return redis.call(c -> c.hgetall(SandboxProvider.key(paymentId)));
  }

  private static void html(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .end("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Linli sandbox pay</title>"
            + "</head><body>" + body + "</body></html>");
  }

  private static String escape(String text) {
    return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
