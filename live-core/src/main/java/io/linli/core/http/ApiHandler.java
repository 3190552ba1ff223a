package io.linli.core.http;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/** A handler that answers with a future; failures (a {@link io.linli.core.error.Problem} or anything else) go to the one failure handler. */
@FunctionalInterface
public interface ApiHandler {
  Future<Reply> handle(RoutingContext ctx);
}
