package io.linli.core.api;

import io.linli.core.Platform;
import io.linli.core.auth.Auth;
import io.linli.core.error.Problem;
import io.linli.core.http.Api;
import io.linli.core.http.Reply;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.linli.core.stream.Stream;
import io.linli.core.stream.StreamService;
import io.linli.core.time.Times;
import io.linli.core.viewer.ViewerService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** HTTP for live-core's resources: a thin layer that reads the validated request and calls a service. */
public final class CoreRoutes {
  private final Platform platform;
  private final Auth auth;
  private final StoreService stores;
  private final StreamService streams;
  private final ViewerService viewers;

  public CoreRoutes(Platform platform, StoreService stores, StreamService streams, ViewerService viewers) {
    this.platform = platform;
    this.auth = platform.auth();
    this.stores = stores;
    this.streams = streams;
    this.viewers = viewers;
  }

  public void mount(Api api) {
    api.on("healthLive", ctx -> Future.succeededFuture(Reply.ok(new JsonObject().put("status", "UP"))))
        .on("healthReady", this::ready)
        .on("createStore", this::createStore)
        .on("login", this::login)
        .on("createStream", this::createStream)
        .on("listStreams", ctx -> auth.staff(ctx)
            .compose(c -> streams.listForStore(c, id(ctx, "storeId", "Store")))
            .map(list -> Reply.ok(new JsonObject().put("streams",
                new io.vertx.core.json.JsonArray(list.stream().map(Stream::toJson).toList())))))
        .on("getStream", ctx -> streams.get(id(ctx, "streamId", "Stream")).map(s -> Reply.ok(s.toJson())))
        .on("startStream", ctx -> auth.staff(ctx)
            .compose(c -> streams.start(c, id(ctx, "streamId", "Stream"))).map(s -> Reply.ok(s.toJson())))
        .on("endStream", ctx -> auth.staff(ctx)
            .compose(c -> streams.end(c, id(ctx, "streamId", "Stream"))).map(s -> Reply.ok(s.toJson())))
        .on("createViewer", this::createViewer);
  }

  /** A path id that cannot be one of ours is simply not found. */
  public static long id(RoutingContext ctx, String param, String what) {
    String text = Api.path(ctx, param);
    long id = Ids.parse(text);
    if (id < 0) {
      throw Problem.notFound(what, text);
    }
    return id;
  }

  private Future<Reply> ready(RoutingContext ctx) {
    Future<Boolean> redis = platform.redis().ping().otherwise(false);
    Future<Boolean> db = platform.pool().query("select 1").execute().map(true).otherwise(false);
    return Future.join(redis, db).transform(x -> {
      JsonObject body = new JsonObject().put("redis", redis.result() ? "UP" : "DOWN")
          .put("postgres", db.result() ? "UP" : "DOWN");
      return redis.result() && db.result()
          ? Future.succeededFuture(Reply.ok(body.put("status", "UP")))
          : Future.failedFuture(Problem.of(503, "not-ready", "Not ready",
              "Redis " + body.getString("redis") + ", PostgreSQL " + body.getString("postgres")));
    });
  }

  private Future<Reply> createStore(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    return stores.signUp(new StoreService.SignUp(b.getString("name"), b.getString("ownerName"),
            b.getString("phone"), b.getString("password"), b.getString("timezone")))
        .map(Reply::created);
  }

  private Future<Reply> login(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    return stores.login(b.getString("phone"), b.getString("password")).map(Reply::ok);
  }

  private Future<Reply> createStream(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    long storeId = id(ctx, "storeId", "Store");
    return auth.staff(ctx)
        .compose(c -> streams.create(c, storeId, b.getString("title"),
            Times.parse("scheduledAt", b.getString("scheduledAt"))))
        .map(Stream::toJson)
        .map(Reply::created);
  }

  private Future<Reply> createViewer(RoutingContext ctx) {
    JsonObject b = Api.body(ctx);
    return viewers.create(b.getString("nickname"), b.getString("phone")).map(Reply::created);
  }
}
