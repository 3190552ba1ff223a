package io.linli.realtime;

import io.linli.core.Platform;
import io.linli.core.PlatformFactory;
import io.linli.core.db.ModuleSchema;
import io.linli.core.store.StoreService;
import io.linli.core.stream.StreamService;
import io.linli.core.testing.TestPlatform;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A node for tests: a platform on the shared test Redis and a database, the realtime module, and a real HTTP
 * server on a free port with the gateway mounted, as ops mounts it.
 */
final class RoomNode implements AutoCloseable {
  final Vertx vertx;
  final Platform platform;
  final Realtime realtime;
  final StreamService streams;
  final HttpServer server;
  private final HttpServer second;

  private RoomNode(Vertx vertx, Platform platform, Realtime realtime, StreamService streams, HttpServer server,
      HttpServer second) {
    this.vertx = vertx;
    this.platform = platform;
    this.realtime = realtime;
    this.streams = streams;
    this.server = server;
    this.second = second;
  }

  /** A fresh database with the tables the room needs (live-core's and its own); Redis is flushed. */
  static String freshDatabase() {
    return TestPlatform.freshDatabase(List.of(new ModuleSchema("core"), new ModuleSchema("realtime")));
  }

  /** A node on an existing database ({@link #freshDatabase} makes one and flushes Redis). */
  static RoomNode start(Vertx vertx, String databaseUrl, Map<String, String> env, RoomTuning tuning,
      HttpServerOptions extra) {
    Platform platform = TestPlatform.create(vertx, TestPlatform.config(databaseUrl, env), Clock.systemUTC());
    StoreService stores = new StoreService(platform);
    // As ops wires it: the streams need the room's port, the room needs the streams.
    Realtime realtime = new Realtime(platform, null, stores, tuning, RoomSettings.from(env));
    StreamService streams = new StreamService(platform, stores, realtime.events());
    realtime.setStreams(streams);
    realtime.addSnapshotSource(streams);
    Router router = Router.router(vertx);
    realtime.mount(router);
    HttpServerOptions options = new HttpServerOptions(extra)
        // Vert.x 5 shares a random port between servers only when asked with a negative port (0: each its own).
        .setPort(-1)
        .setHost("127.0.0.1")
        .setMaxWebSocketFrameSize(platform.config().wsMaxFrameBytes())
        .setMaxWebSocketMessageSize(platform.config().wsMaxFrameBytes());
    HttpVerticle first = new HttpVerticle(router, options);
    vertx.deployVerticle(first).await();
    // A second server on the same port, on another event loop (as ops runs one per core): sockets of one room
    // then live on several event loops, which the hub's fan-out must handle.
    HttpVerticle second = new HttpVerticle(router, options);
    vertx.deployVerticle(second).await();
    if (second.server.actualPort() != first.server.actualPort()) {
      throw new IllegalStateException("the two servers did not share the random port");
    }
    return new RoomNode(vertx, platform, realtime, streams, first.server, second.server);
  }

  static RoomNode start(Vertx vertx, String databaseUrl) {
    return start(vertx, databaseUrl, Map.of(), RoomTuning.defaults(), new HttpServerOptions());
  }

  int port() {
    return server.actualPort();
  }

  Phone join(String streamId, String token) {
    return Phone.join(vertx, port(), streamId, token);
  }

  double gauge(String name) {
    var gauge = platform.metrics().find(name).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  /** The gauge once it reads {@code wanted}, or what it reads after {@code within}: a closed socket is seen late. */
  double awaitGauge(String name, double wanted, java.time.Duration within) {
    long until = System.nanoTime() + within.toNanos();
    double value = gauge(name);
    while (value != wanted && System.nanoTime() < until) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      value = gauge(name);
    }
    return value;
  }

  double counter(String name) {
    return platform.metrics().find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  /** One HTTP server on its own event loop. */
  private static final class HttpVerticle extends VerticleBase {
    private final Router router;
    private final HttpServerOptions options;
    HttpServer server;

    HttpVerticle(Router router, HttpServerOptions options) {
      this.router = router;
      this.options = options;
    }

    @Override
    public Future<?> start() {
      server = vertx.createHttpServer(options).requestHandler(router);
      return server.listen();
    }
  }

  @Override
  public void close() {
    server.close().otherwiseEmpty().await();
    second.close().otherwiseEmpty().await();
    realtime.close().otherwiseEmpty().await();
    vertx.executeBlocking(() -> {
      PlatformFactory.close(platform);
      return null;
    }).otherwiseEmpty().await();
  }
}
