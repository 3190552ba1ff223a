package io.linli.commerce.deal;

import io.linli.commerce.catalog.ProductService;
import io.linli.commerce.order.OrderService;
import io.linli.commerce.order.OrderWriter;
import io.linli.core.Platform;
import io.linli.core.PlatformFactory;
import io.linli.core.auth.Caller;
import io.linli.core.db.ModuleSchema;
import io.linli.core.id.Ids;
import io.linli.core.room.RoomEvents;
import io.linli.core.store.StoreService;
import io.linli.core.stream.StreamService;
import io.linli.core.testing.MutableClock;
import io.linli.core.testing.TestPlatform;
import io.linli.core.viewer.ViewerService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** commerce's deal services wired on a real Redis and a fresh PostgreSQL, with a clock the test moves. */
final class DealFixture implements AutoCloseable {
  static final List<ModuleSchema> SCHEMAS = List.of(new ModuleSchema("core"), new ModuleSchema("commerce"));

  final Vertx vertx = Vertx.vertx();
  final MutableClock clock = MutableClock.startingNow();
  final Platform platform;
  final StoreService stores;
  final StreamService streams;
  final ViewerService viewers;
  final ProductService products;
  final DealCounters counters;
  final DealService deals;
  final JoinService joins;
  final DealReconciler reconciler;

  DealFixture() {
    platform = TestPlatform.create(vertx, TestPlatform.config(TestPlatform.freshDatabase(SCHEMAS), Map.of()), clock);
    stores = new StoreService(platform);
    streams = new StreamService(platform, stores, RoomEvents.NONE);
    viewers = new ViewerService(platform);
    products = new ProductService(platform, stores);
    counters = new DealCounters(platform.redis());
    deals = new DealService(platform, streams, counters, RoomEvents.NONE);
    joins = new JoinService(platform, deals, counters, new OrderWriter(vertx, platform.pool()),
        new OrderService(platform, stores), RoomEvents.NONE);
    reconciler = new DealReconciler(platform, deals, counters, Duration.ofSeconds(15));
  }

  /** A deal with the given stock and per-household limit, threshold out of reach unless asked. */
  long openDeal(String phone, int stock, int limit, int threshold) {
    JsonObject signUp = stores.signUp(new StoreService.SignUp("测试店", "店长", phone, "password-123", null)).await();
    long storeId = Ids.parse(signUp.getJsonObject("store").getString("id"));
    Caller owner = platform.tokens().verify(signUp.getString("token")).await();
    long productId = Ids.parse(products.create(owner, storeId,
        new ProductService.NewProduct("鸡蛋", 3990, stock, null, null, null)).await().getString("id"));
    long streamId = streams.create(owner, storeId, "周三晚8点", OffsetDateTime.now(ZoneOffset.UTC)).await().id();
    JsonObject deal = deals.create(owner, streamId, new DealService.NewDeal(productId, 2990, threshold,
        CountBy.UNITS, stock, limit, OffsetDateTime.now(ZoneOffset.UTC).plusDays(1))).await();
    return Ids.parse(deal.getString("id"));
  }

  Caller viewer(String nickname) {
    JsonObject v = viewers.create(nickname, null).await();
    return new Caller(Caller.Kind.VIEWER, Ids.parse(v.getString("viewerId")), nickname);
  }

  DealCounts redisCounts(long dealId) {
    return counters.read(dealId).await();
  }

  long recorded(String sql, long dealId) {
    return platform.pool().preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.of(dealId)).await()
        .iterator().next().getLong(0);
  }

  @Override
  public void close() {
    PlatformFactory.close(platform);
    vertx.close().await();
  }
}
