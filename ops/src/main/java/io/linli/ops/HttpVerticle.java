package io.linli.ops;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/** One HTTP server per event loop, all on the same port: Vert.x spreads connections across them. */
final class HttpVerticle extends VerticleBase {
  private final Router router;
  private final HttpServerOptions options;
  private HttpServer server;

  HttpVerticle(Router router, HttpServerOptions options) {
    this.router = router;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen();
  }

  int port() {
    return server.actualPort();
  }
}
