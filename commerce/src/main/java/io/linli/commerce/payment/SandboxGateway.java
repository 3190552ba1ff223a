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
 * as a real provider would. Every refund the sandbox accepts is notified the same way, to the refund notify URL,
 * unless the page's switch for the payment's next refund said not to. It is not part of Linli's API; it stands
 * in for the provider's site.
 */
public final class SandboxGateway {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxGateway.class);
  private static final int ATTEMPTS = 5;

  private final Vertx vertx;
  private final Redis redis;
  private final SandboxProvider provider;
  private final HttpClient http;
  private volatile String notifyUrl;
  private volatile String refundNotifyUrl;

  public SandboxGateway(Vertx vertx, Redis redis, SandboxProvider provider) {
    this.vertx = vertx;
    this.redis = redis;
    this.provider = provider;
    this.http = vertx.createHttpClient();
    provider.deskIs(this::refundAccepted);
  }

  /**
   * Where notifications go: the node's {@code /api/payments/sandbox/notify} and
   * {@code /api/payments/sandbox/refund-notify}, known once it listens.
   */
  public void notifyTo(String paymentsUrl, String refundsUrl) {
    this.notifyUrl = paymentsUrl;
    this.refundNotifyUrl = refundsUrl;
  }

  public void mount(Router router) {
    router.get("/sandbox/pay/:paymentId").handler(this::page);
    router.post("/sandbox/pay/:paymentId").handler(BodyHandler.create().setBodyLimit(1024)).handler(this::choose);
    router.post("/sandbox/pay/:paymentId/next-refund").handler(BodyHandler.create().setBodyLimit(1024))
        .handler(this::nextRefund);
    router.post("/sandbox/pay/:paymentId/refunds/:refundId/notify").handler(this::notifyNow);
  }

  /** An accepted refund is settled at once: its outcome is notified, unless the switch said not to. */
  private void refundAccepted(long paymentId, long refundId) {
    provider.refundNotice(paymentId, refundId).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("sandbox refund {} not notified", Ids.toText(refundId), ar.cause());
      } else if (ar.result() != null && ar.result().send()) {
        send(refundNotifyUrl, ar.result().body(), 1);
      }
    });
  }

  /** The pay page's "notify now" for one refund: its notification is sent (again), whatever the switch said. */
  private void notifyNow(RoutingContext ctx) {
    long paymentId = Ids.parse(ctx.pathParam("paymentId"));
    long refundId = Ids.parse(ctx.pathParam("refundId"));
    provider.refundNotice(paymentId, refundId).onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        html(ctx, 404, "<h1>退款不存在 · No such refund</h1>");
        return;
      }
      send(refundNotifyUrl, ar.result().body(), 1);
      html(ctx, 202, "<h1>已发送通知 · Notification sent</h1>");
    });
  }

  /** The page's switch for the payment's next refund: {@code outcome} SUCCESS | ABNORMAL | CLOSED, {@code notify}. */
  private void nextRefund(RoutingContext ctx) {
    long paymentId = Ids.parse(ctx.pathParam("paymentId"));
    PaymentProvider.RefundOutcome outcome;
    try {
      outcome = PaymentProvider.RefundOutcome.valueOf(String.valueOf(ctx.request().getFormAttribute("outcome")));
    } catch (IllegalArgumentException e) {
      html(ctx, 400, "<h1>outcome: SUCCESS, ABNORMAL or CLOSED</h1>");
      return;
    }
    boolean notify = !"no".equals(ctx.request().getFormAttribute("notify"));
    provider.nextRefund(paymentId, outcome, notify).onComplete(ar -> {
      if (ar.failed() || !ar.result()) {
        html(ctx, 404, "<h1>支付单不存在 · No such payment</h1>");
        return;
      }
      html(ctx, 200, "<h1>下一笔退款 · Next refund: " + outcome + (notify ? "" : ", not notified") + "</h1>");
    });
  }

  private void page(RoutingContext ctx) {
    long paymentId = Ids.parse(ctx.pathParam("paymentId"));
    payment(paymentId).onComplete(ar -> {
      Map<String, String> p = ar.succeeded() ? ar.result() : Map.of();
      if (p.isEmpty()) {
        html(ctx, 404, "<h1>支付单不存在 · No such payment</h1>");
        return;
      }
      String amount = yuan(Long.parseLong(p.get("amountFen")));
      html(ctx, 200, "<h1>Linli 沙箱支付 · Sandbox payment</h1>"
          + "<p class=\"what\">" + escape(p.get("description")) + "</p>"
          + "<p class=\"amount\">" + amount + "</p>"
          + ("PENDING".equals(p.get("status"))
              ? "<form method=\"post\"><button name=\"outcome\" value=\"pay\">支付 Pay</button>"
                  + "<button name=\"outcome\" value=\"fail\">失败 Fail</button></form>"
              : "<p class=\"status\">" + escape(p.get("status")) + "</p>")
          + ("PAID".equals(p.get("status")) ? refunds(paymentId, p) : ""));
    });
  }

  /** What the sandbox refunded of a paid payment, and the switch that decides how its next refund ends. */
  private static String refunds(long paymentId, Map<String, String> p) {
    StringBuilder list = new StringBuilder("<h2>退款 · Refunds</h2><ul class=\"refunds\">");
    p.forEach((field, value) -> {
      if (field.startsWith("refund:")) {
        JsonObject r = new JsonObject(value);
        String refundId = field.substring("refund:".length());
        list.append("<li>").append(escape(r.getString("providerRefundId"))).append(" ")
            .append(yuan(Long.parseLong(r.getString("amountFen")))).append(" ")
            .append(escape(r.getString("outcome"))).append(" <form method=\"post\" action=\"/sandbox/pay/")
            .append(Ids.toText(paymentId)).append("/refunds/").append(escape(refundId))
            .append("/notify\"><button>通知 Notify</button></form></li>");
      }
    });
    return list.append("</ul><form method=\"post\" action=\"/sandbox/pay/").append(Ids.toText(paymentId))
        .append("/next-refund\"><label>下一笔退款 · Next refund <select name=\"outcome\">")
        .append("<option>SUCCESS</option><option>ABNORMAL</option><option>CLOSED</option></select></label>")
        .append("<label><input type=\"checkbox\" name=\"notify\" value=\"no\"> 不通知 · do not notify</label>")
        .append("<button>设置 Set</button></form>").toString();
  }

  private static String yuan(long fen) {
    return String.format("¥%.2f", fen / 100.0);
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
          send(notifyUrl, body.encode(), 1);
          html(ctx, 200, pay ? "<h1>支付成功 · Paid</h1>" : "<h1>支付失败 · Payment failed</h1>");
        });
  }

  /** Delivers a notification, retrying with backoff (1 s, 2 s, 4 s, ...) until the node acknowledges it. */
  void send(String url, String body, int attempt) {
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
            vertx.setTimer(1000L << (attempt - 1), t -> send(url, body, attempt + 1));
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
