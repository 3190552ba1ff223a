package io.linli.ops;

import io.linli.commerce.Commerce;
import io.linli.core.Platform;
import io.linli.core.PlatformFactory;
import io.linli.core.config.LinliConfig;
import io.linli.core.db.Migrations;
import io.linli.core.store.StoreService;
import io.linli.core.stream.StreamService;
import io.linli.core.viewer.ViewerService;
import io.linli.ops.bench.RowLockBaseline;
import io.linli.realtime.Realtime;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Linli node: every module's services over one Vert.x, one PostgreSQL pool and one Redis connection,
 * behind one HTTP port. Nodes share nothing but Redis and PostgreSQL, so more can be started at will.
 */
public final class Node {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);
  private final Vertx vertx;
  private final Platform platform;
  private final Services services;
  private final int port;

  private Node(Vertx vertx, Platform platform, Services services, int port) {
    this.vertx = vertx;
    this.platform = platform;
    this.services = services;
    this.port = port;
  }

  /** The services of a node, wired once; tests and the demo seeder call them directly. */
  public record Services(StoreService stores, StreamService streams, ViewerService viewers, Commerce commerce,
      Realtime realtime) {}

  public static Future<Node> start(LinliConfig config, Clock clock) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
            .setJvmMetricsEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    // Completed outside Vert.x: when start fails, this Vert.x is closed and can no longer run callbacks.
    Promise<Node> started = Promise.promise();
    startOn(vertx, config, clock, registry).onComplete(ar -> {
      if (ar.succeeded()) {
        started.complete(ar.result());
      } else {
        LOG.error("node failed to start", ar.cause());
        vertx.close().onComplete(x -> started.fail(ar.cause()));
      }
    });
    return started.future();
  }

  private static Future<Node> startOn(Vertx vertx, LinliConfig config, Clock clock,
      PrometheusMeterRegistry registry) {
    String databaseUrl = config.databaseUrl().orElseThrow();
    return Migrations.run(vertx, databaseUrl, Modules.SCHEMAS)
        .compose(x -> vertx.executeBlocking(() -> PlatformFactory.create(vertx, config, clock, registry)))
        .compose(platform -> {
          Services services = wire(platform);
          return HttpApi.router(platform, services, registry)
              // Benchmark system (b), mounted only under -Dlinli.bench.rowLock=true (ops/bench/README.md).
              .map(router -> RowLockBaseline.mountIfEnabled(router, platform))
              .compose(router -> deployHttp(vertx, router, config))
              .map(port -> {
                services.commerce().startJobs("http://127.0.0.1:" + port);
                return new Node(vertx, platform, services, port);
              });
        });
  }

  private static Services wire(Platform platform) {
    StoreService stores = new StoreService(platform);
    Realtime realtime = new Realtime(platform, null, stores);
    StreamService streams = new StreamService(platform, stores, realtime.events());
    realtime.setStreams(streams);
    Commerce commerce = new Commerce(platform, stores, streams, realtime.events());
    realtime.addSnapshotSource(commerce.deals());
    realtime.setViewerNotices(commerce.notices());
    realtime.setLeaders(commerce.storeLeaders());
    return new Services(stores, streams, new ViewerService(platform), commerce, realtime);
  }

  private static Future<Integer> deployHttp(Vertx vertx, Router router, LinliConfig config) {
    HttpServerOptions options = new HttpServerOptions()
        // Port 0 gives each instance its own random port; -1 makes them share one random port.
        .setPort(config.port() == 0 ? -1 : config.port())
        .setHost("0.0.0.0")
        .setMaxWebSocketFrameSize(config.wsMaxFrameBytes())
        .setMaxWebSocketMessageSize(config.wsMaxFrameBytes())
        .setCompressionSupported(true);  // large answers only: see SmallAnswers
    // Instances bound to the same port share one listening socket; Vert.x spreads connections across them.
    List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
          HttpVerticle verticle = new HttpVerticle(router, options);
          verticles.add(verticle);
          return verticle;
        }, new DeploymentOptions().setInstances(instances()))
        .map(id -> verticles.get(0).port());
  }

  private static int instances() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  public int port() {
    return port;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Platform platform() {
    return platform;
  }

  public Services services() {
    return services;
  }

  public Future<Void> close() {
    services.commerce().stopJobs();
    return services.realtime().close()
        .transform(x -> vertx.executeBlocking(() -> {
          PlatformFactory.close(platform);
          return null;
        }))
        .transform(x -> vertx.close());
  }
}
