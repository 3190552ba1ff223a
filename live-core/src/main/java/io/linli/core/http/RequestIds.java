package io.linli.core.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request an id, echoed in {@code X-Request-Id} and written in its log lines, so a viewer's
 * screenshot of an error can be matched to the server's log. A sane incoming id (from a proxy) is kept.
 */
public final class RequestIds implements Handler<RoutingContext> {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  @Override
  public void handle(RoutingContext ctx) {
    String incoming = ctx.request().getHeader(HEADER);
    String id = incoming != null && SANE.matcher(incoming).matches() ? incoming : fresh();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }

  private static String fresh() {
    return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  }
}
