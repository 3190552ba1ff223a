package io.linli.commerce.deal;

import io.linli.commerce.catalog.ProductService;
import io.linli.commerce.fulfillment.PickupPointService;
import io.linli.commerce.order.OrderService;
import io.linli.commerce.order.OrderWriter;
import io.linli.commerce.order.PaymentSettingsService;
import io.linli.commerce.payment.PaymentService;
import io.linli.commerce.payment.RefundService;
import io.linli.commerce.payment.SandboxProvider;
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
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

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
  final DealDeadlines deadlines;
  final LeaveService leaves;
  final SandboxProvider provider;
  final RefundService refunds;
  final PaymentSettingsService paymentSettings;
  final PaymentService payments;
  final HoldSweeper holds;
  final RecordingRoom room = new RecordingRoom();
  private final List<Future<Void>> refundNotices = new CopyOnWriteArrayList<>();
  final String databaseUrl;

  DealFixture() {
    this(TestPlatform.freshDatabase(SCHEMAS));
  }

  /** Another node on the same database (and Redis) as {@code other}. */
  DealFixture(DealFixture other) {
    this(other.databaseUrl);
  }

  private DealFixture(String databaseUrl) {
    this.databaseUrl = databaseUrl;
    platform = TestPlatform.create(vertx, TestPlatform.config(databaseUrl, Map.of()), clock);
    stores = new StoreService(platform);
    streams = new StreamService(platform, stores, room);
    viewers = new ViewerService(platform);
    products = new ProductService(platform, stores);
    counters = new DealCounters(platform.redis());
    provider = new SandboxProvider(platform.redis(), platform.config().sandboxPaySecret(), clock);
    refunds = new RefundService(platform, provider, stores);
    // No HTTP here: the fixture plays the sandbox's remote side, handing each accepted refund's signed
    // notification straight to the service, as the gateway would post it.
    provider.deskIs((paymentId, refundId) -> refundNotices.add(provider.refundNotice(paymentId, refundId)
        .compose(notice -> notice == null || !notice.send() ? Future.<Void>succeededFuture() : refunds.notified(
            MultiMap.caseInsensitiveMultiMap().addAll(provider.signedHeaders(notice.body(), "n-" + UUID.randomUUID())),
            Buffer.buffer(notice.body())))));
    deals = new DealService(platform, streams, counters, room, refunds);
    paymentSettings = new PaymentSettingsService(platform, stores);
    OrderService orders = new OrderService(platform, stores);
    joins = new JoinService(platform, deals, counters, new OrderWriter(vertx, platform.pool()), orders, room,
        paymentSettings, new PickupPointService(platform, stores));
    payments = new PaymentService(platform, provider, orders, new PaidOrders(deals, counters), refunds,
        new LatePayments(platform, deals, counters));
    holds = new HoldSweeper(platform, deals, counters);
    reconciler = new DealReconciler(platform, deals, counters, Duration.ofSeconds(15));
    deadlines = new DealDeadlines(platform, deals);
    leaves = new LeaveService(platform, deals, counters, new OrderService(platform, stores), refunds);
  }

  /** A store, its owner and a stream, ready for deals. */
  record Shop(Caller owner, long storeId, long streamId, long productId) {}

  Shop shop(String phone) {
    JsonObject signUp = stores.signUp(new StoreService.SignUp("测试店", "店长", phone, "password-123", null)).await();
    long storeId = Ids.parse(signUp.getJsonObject("store").getString("id"));
    Caller owner = platform.tokens().verify(signUp.getString("token")).await();
    long productId = Ids.parse(products.create(owner, storeId,
        new ProductService.NewProduct("鸡蛋", 3990, 100_000, null, null, null)).await().getString("id"));
    long streamId = streams.create(owner, storeId, "周三晚8点", now()).await().id();
    return new Shop(owner, storeId, streamId, productId);
  }

  long openDeal(Shop shop, DealService.NewDeal deal) {
    return Ids.parse(deals.create(shop.owner(), shop.streamId(), deal).await().getString("id"));
  }

  /** A deal with the given stock and per-household limit, threshold out of reach unless asked. */
  long openDeal(String phone, int stock, int limit, int threshold) {
    Shop shop = shop(phone);
    return openDeal(shop, new DealService.NewDeal(shop.productId(), 2990, threshold, CountBy.UNITS, stock, limit,
        now().plusDays(1)));
  }

  OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  JsonObject join(Caller viewer, long dealId, int quantity) {
    return joins.join(viewer, new JoinService.JoinRequest(dealId, quantity, null, null, null)).await();
  }

  String status(long dealId) {
    return deals.get(dealId).await().getString("status");
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

  /** A household's units in the deal as the record counts them: its orders that still hold stock. */
  long heldUnits(long dealId, long viewerId) {
    return platform.pool().preparedQuery("select coalesce(sum(quantity), 0) from orders where deal_id = $1"
            + " and viewer_id = $2 and status in " + DealService.HOLDING)
        .execute(io.vertx.sqlclient.Tuple.of(dealId, viewerId)).await().iterator().next().getLong(0);
  }

  /** Completes once every refund notification sent so far has been handled (the sandbox notifies asynchronously). */
  Future<Void> refundNotices() {
    List<Future<Void>> sent = List.copyOf(refundNotices);
    refundNotices.removeAll(sent);
    return Future.all(sent).mapEmpty();
  }

  @Override
  public void close() {
    PlatformFactory.close(platform);
    vertx.close().await();
  }
}
