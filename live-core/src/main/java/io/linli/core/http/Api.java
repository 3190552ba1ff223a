package io.linli.core.http;

import io.linli.core.error.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

/**
 * Binds handlers to the operations of the OpenAPI document by operationId. The document validates every
 * request before a handler runs, so handlers read typed, checked values and contain no if-chains of validation.
 */
public final class Api {
  public static final String JSON = "application/json; charset=utf-8";

  private final RouterBuilder builder;

  public Api(RouterBuilder builder) {
    this.builder = builder;
  }

  public Api on(String operationId, ApiHandler handler) {
    builder.getRoute(operationId).addHandler(ctx -> {
      try {
        handler.handle(ctx).onComplete(
            ok -> respond(ctx, ok),
            ctx::fail);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    });
    return this;
  }

  private static void respond(RoutingContext ctx, Reply reply) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(reply.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(reply.body().toBuffer());
  }

  /** The validated request the OpenAPI router attached to this context. */
  public static ValidatedRequest validated(RoutingContext ctx) {
    return ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }

  public static JsonObject body(RoutingContext ctx) {
    RequestParameter body = validated(ctx).getBody();
    if (body == null || body.isNull()) {
      throw Problem.validation("body", "a JSON object is required");
    }
    return body.getJsonObject();
  }

  public static String path(RoutingContext ctx, String name) {
    RequestParameter p = validated(ctx).getPathParameters().get(name);
    return p == null ? ctx.pathParam(name) : p.getString();
  }

  public static String header(RoutingContext ctx, String name) {
    RequestParameter p = validated(ctx).getHeaders().get(name);
    return p == null || p.isNull() ? null : p.getString();
  }
}
