package io.linli.core.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One line per request when it ends, carrying the request id; debug level, so a storm does not flood the log. */
public final class AccessLog implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger("linli.access");

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> {
      int status = ctx.response().getStatusCode();
      if (status >= 500 ? LOG.isWarnEnabled() : LOG.isDebugEnabled()) {
        String line = String.format("rid=%s %s %s %d %.1fms", RequestIds.of(ctx), ctx.request().method(),
            ctx.request().path(), status, (System.nanoTime() - start) / 1e6);
        if (status >= 500) {
          LOG.warn(line);
        } else {
          LOG.debug(line);
        }
      }
    });
    ctx.next();
  }
}
