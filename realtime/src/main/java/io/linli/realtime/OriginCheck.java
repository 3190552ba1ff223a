package io.linli.realtime;

import io.linli.core.error.Problem;
import io.linli.core.http.ProblemHandler;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses WebSocket handshakes that a page of another site started (cross-site WebSocket hijacking). A browser
 * always sends {@code Origin} on a WebSocket handshake (RFC 6455 §4.1), so a handshake whose Origin is neither this
 * node's own address (the {@code Host} it was asked under) nor one of {@code LINLI_WS_ALLOWED_ORIGINS} came from
 * someone else's page; it is answered 403 before the upgrade, because there is no client of ours to tell. A
 * handshake without Origin is not a browser's (a native app, a load generator) and goes on to the token check.
 */
final class OriginCheck implements Handler<RoutingContext> {
  private final boolean anyOrigin;
  private final Set<String> allowed;

  OriginCheck(List<String> allowedOrigins) {
    this.anyOrigin = allowedOrigins.contains("*");
    this.allowed = allowedOrigins.stream().map(OriginCheck::normalise).collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE)) || allows(request)) {
      ctx.next();
      return;
    }
    ProblemHandler.send(ctx, Problem.forbidden("This socket may not be opened from a page at " + request.getHeader(HttpHeaders.ORIGIN)
        + "; the operator lists the sites that may in LINLI_WS_ALLOWED_ORIGINS."));
  }

  boolean allows(HttpServerRequest request) {
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin == null || anyOrigin) {
      return true;
    }
    String normalised = normalise(origin);
    if (allowed.contains(normalised)) {
      return true;
    }
    String host = request.getHeader(HttpHeaders.HOST);
    return host != null && authority(normalised).equals(host.toLowerCase(Locale.ROOT));
  }

  /** {@code scheme://host[:port]}, lower case, without a default port or a trailing slash; "" when it is not one. */
  static String normalise(String origin) {
    try {
      URI uri = new URI(origin.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
        return "";
      }
      int port = uri.getPort();
      boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
      return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    } catch (java.net.URISyntaxException e) {
      return "";
    }
  }

  /** The {@code host[:port]} part of a normalised origin, as a browser writes it in {@code Host}. */
  private static String authority(String normalised) {
    int at = normalised.indexOf("://");
    return at < 0 ? "" : normalised.substring(at + 3);
  }
}
