package io.linli.core.auth;

import io.linli.core.error.Problem;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/** Reads the caller from {@code Authorization: Bearer}; handlers ask for the kind of caller they accept. */
public final class Auth {
  private final Tokens tokens;

  public Auth(Tokens tokens) {
    this.tokens = tokens;
  }

  public Future<Caller> caller(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(Problem.unauthorized("Send Authorization: Bearer <token>."));
    }
    return tokens.verify(header.substring(7).trim());
  }

  public Future<Caller> staff(RoutingContext ctx) {
    return caller(ctx).compose(c -> c.isStaff() ? Future.succeededFuture(c)
        : Future.failedFuture(Problem.forbidden("Only store staff may do this.")));
  }

  public Future<Caller> viewer(RoutingContext ctx) {
    return caller(ctx).compose(c -> c.isViewer() ? Future.succeededFuture(c)
        : Future.failedFuture(Problem.forbidden("Only viewers may do this; sign in as a viewer.")));
  }

  public Future<Caller> leader(RoutingContext ctx) {
    return caller(ctx).compose(c -> c.isLeader() ? Future.succeededFuture(c)
        : Future.failedFuture(Problem.forbidden("Only leaders may do this; sign in as a leader.")));
  }
}
