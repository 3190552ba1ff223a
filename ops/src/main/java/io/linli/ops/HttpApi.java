package io.linli.ops;

import io.linli.core.Platform;
import io.linli.core.api.CoreRoutes;
import io.linli.core.http.AccessLog;
import io.linli.core.http.Api;
import io.linli.core.http.ProblemHandler;
import io.linli.core.http.RequestIds;
import io.linli.core.http.SmallAnswers;
import io.linli.web.Pages;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.List;

/**
 * The node's HTTP surface, built from the OpenAPI document: every operation is validated against it before
 * a module's handler runs, and every failure leaves through the one problem+json handler.
 */
final class HttpApi {
  /** Tried first by the router (HotPathsFirst): the tap that a storm is made of. */
  private static final List<String> HOT_PATHS = List.of("/api/deals/{dealId}/join");

  private HttpApi() {}

  static Future<Router> router(Platform platform, Node.Services services, PrometheusMeterRegistry registry) {
    ContractDocument document = ContractDocument.load(platform.vertx());
    return document.forValidation(platform.vertx()).map(parsed -> {
      OpenAPIContract contract = new HotPathsFirst(parsed, HOT_PATHS);
      RequestExtractor extractor = RequestExtractor.withBodyHandler();
      RouterBuilder builder = RouterBuilder.create(platform.vertx(), contract, extractor)
          .rootHandler(BodyHandler.create(false).setBodyLimit(platform.config().bodyLimitBytes()));
      // Who may do what depends on the store a resource belongs to, so the services decide, not the router.
      builder.getRoutes().forEach(route -> route.setDoSecurity(false));

      Api api = new Api(builder);
      new CoreRoutes(platform, services.stores(), services.streams(), services.viewers()).mount(api);
      services.commerce().mount(api);
      services.realtime().routes().mount(api);
      builder.getRoute("metrics").addHandler(PrometheusScrapingHandler.create(registry));
      builder.getRoute("openapi").addHandler(ctx -> ctx.response()
          .putHeader("Content-Type", "application/yaml; charset=utf-8").end(document.text()));
      // The upgrade is served by realtime below; a plain GET on it is a bad request, not a 501.
      builder.getRoute("roomSocket").addHandler(ctx -> ctx.fail(400));
      builder.getRoute("personalSocket").addHandler(ctx -> ctx.fail(400));
      InlineValidation.install(platform.vertx(), contract, builder, extractor);

      Router router = Router.router(platform.vertx());
      router.route().handler(new RequestIds()).handler(new AccessLog()).handler(new SmallAnswers());
      // The sockets' upgrades before the contract, which names their paths only to document them; the sandbox's pay
      // page too, whose forms have a smaller body limit than the contract's root handler would apply first.
      services.realtime().mount(router);
      services.commerce().mountProviderPages(router);
      router.route().subRouter(builder.createRouter());
      // The browser pages are files, not operations: beside the contract, like the sandbox's pay page. After it, so
      // that a request for the API is not first tried against their patterns (ops/bench/FINDINGS.md, section 26);
      // the contract's router passes on whatever it has no route for.
      new Pages().mount(router);
      ProblemHandler problems = new ProblemHandler();
      router.route().failureHandler(problems);
      for (int status : new int[] {400, 404, 405, 413, 415, 500, 501}) {
        router.errorHandler(status, problems);
      }
      return router;
    });
  }
}
