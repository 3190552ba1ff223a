package io.linli.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The browser pages: plain HTML and ES modules under {@code webroot/} on the classpath, served as they are (no
 * build step), beside the API and outside its OpenAPI contract. Only these prefixes touch the file system, so an
 * API request never costs a file lookup.
 *
 * <ul>
 *   <li>{@code /assets/*} the shared modules (api.js, i18n.js, statuses.js) and the style sheet;
 *   <li>{@code /store/*} staff pages: sign-in ({@code /store/}) and the printable pick list;
 *   <li>{@code /o/{orderId}} and {@code /order.html?id=} the household's order page.
 * </ul>
 */
public final class Pages {
  static final String WEBROOT = "webroot";
  /**
   * Short enough that a new release reaches phones within minutes (the files carry no content hash), long enough
   * that reopening a page within a visit costs nothing; after it the browser revalidates with If-Modified-Since.
   */
  static final long MAX_AGE_SECONDS = 300;
  static final String CACHE_CONTROL = "public, max-age=" + MAX_AGE_SECONDS;

  private final SecurityHeaders headers = new SecurityHeaders();

  public void mount(Router router) {
    get(router.routeWithRegex("^/store$")).handler(headers).handler(ctx -> redirect(ctx, "/store/"));
    // A route ending in /* hands StaticHandler the rest of the path, so each prefix gets its own folder.
    get(router.route("/assets/*")).handler(headers).handler(Pages::revalidatable).handler(files(WEBROOT + "/assets"));
    get(router.route("/store/*")).handler(headers).handler(Pages::revalidatable).handler(files(WEBROOT + "/store"));
    // The link a household keeps (and a QR could carry): the order page itself, its id read from the path.
    get(router.routeWithRegex("^/o/[0-9A-Za-z]{1,32}$")).handler(headers).handler(this::orderPage);
    get(router.routeWithRegex("^/order\\.html$")).handler(headers).handler(this::orderPage);
  }

  private static StaticHandler files(String folder) {
    return StaticHandler.create(folder)
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        .setCachingEnabled(true)
        .setMaxAgeSeconds(MAX_AGE_SECONDS)
        .setIndexPage("index.html");
  }

  /**
   * StaticHandler marks what it serves {@code immutable}; these files keep their names across releases, so a
   * reload must be allowed to ask again (If-Modified-Since) instead of trusting the old copy for the max age.
   */
  private static void revalidatable(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> {
      if (ctx.response().headers().contains(HttpHeaders.CACHE_CONTROL)) {
        ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
      }
    });
    ctx.next();
  }

  private static Route get(Route route) {
    return route.method(HttpMethod.GET).method(HttpMethod.HEAD);
  }

  private void orderPage(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
        .sendFile(WEBROOT + "/order.html")
        .onFailure(ctx::fail);
  }

  private static void redirect(RoutingContext ctx, String to) {
    ctx.response().setStatusCode(301).putHeader(HttpHeaders.LOCATION, to).end();
  }
}
