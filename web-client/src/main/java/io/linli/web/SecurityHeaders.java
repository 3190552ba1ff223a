package io.linli.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers every page and asset carries. The policy allows scripts, styles, connections (fetch and the same-origin
 * WebSocket) and frames only from this origin, and no inline script or style at all, so a nickname that slipped
 * into markup still could not run. Images may also be {@code blob:}: the pickup-code QR is fetched with the
 * viewer's token (a plain {@code <img src>} cannot send it) and shown from a blob URL.
 */
public final class SecurityHeaders implements Handler<RoutingContext> {
  public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' blob:;"
      + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin");
    ctx.next();
  }
}
