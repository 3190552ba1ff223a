package io.linli.commerce;

import io.linli.commerce.aftersales.AfterSalesSettingsService;
import io.linli.commerce.aftersales.ClaimService;
import io.linli.commerce.api.AfterSalesRoutes;
import io.linli.commerce.api.CommerceRoutes;
import io.linli.commerce.api.LeaderRoutes;
import io.linli.commerce.api.DeliveryRoutes;
import io.linli.commerce.api.FulfillmentRoutes;
import io.linli.commerce.api.NoticeRoutes;
import io.linli.commerce.api.StoreOrderRoutes;
import io.linli.commerce.api.WebhookRoutes;
import io.linli.commerce.api.PaymentRoutes;
import io.linli.commerce.catalog.ProductService;
import io.linli.commerce.deal.DealCounters;
import io.linli.commerce.deal.DealDeadlines;
import io.linli.commerce.deal.DealReconciler;
import io.linli.commerce.deal.DealService;
import io.linli.commerce.deal.HoldSweeper;
import io.linli.commerce.deal.JoinService;
import io.linli.commerce.deal.LatePayments;
import io.linli.commerce.deal.LeaveService;
import io.linli.commerce.deal.PaidOrders;
import io.linli.commerce.delivery.DeliveryZones;
import io.linli.commerce.fulfillment.DeliveryHandover;
import io.linli.commerce.fulfillment.DeliveryRunSheet;
import io.linli.commerce.fulfillment.FulfillmentService;
import io.linli.commerce.fulfillment.PickList;
import io.linli.commerce.fulfillment.PickupPointService;
import io.linli.commerce.leader.LeaderRecords;
import io.linli.commerce.leader.LeaderService;
import io.linli.commerce.order.OrderNotices;
import io.linli.commerce.order.OrderService;
import io.linli.commerce.order.OrderWriter;
import io.linli.commerce.order.PaymentSettingsService;
import io.linli.commerce.order.StoreOrders;
import io.linli.commerce.payment.PaymentService;
import io.linli.commerce.payment.RefundService;
import io.linli.commerce.payment.SandboxGateway;
import io.linli.commerce.payment.SandboxProvider;
import io.linli.commerce.webhook.WebhookDispatcher;
import io.linli.commerce.webhook.WebhookService;
import io.linli.core.Platform;
import io.linli.core.http.Api;
import io.linli.core.room.RoomEvents;
import io.linli.core.store.StoreLeaders;
import io.linli.core.store.StoreService;
import io.linli.core.time.Periodic;
import io.linli.core.stream.StreamService;
import io.linli.core.viewer.ViewerNotices;
import io.vertx.ext.web.Router;
import java.time.Duration;

/** The commerce module as a node sees it: its services wired once, its routes, and its background jobs. */
public final class Commerce {
  /** A join still not written after this long belongs to a node that died between Redis and PostgreSQL. */
  private static final Duration ABANDONED_AFTER = Duration.ofSeconds(15);

  private final Platform platform;
  private final StoreService stores;
  private final ProductService products;
  private final OrderService orders;
  private final DealService deals;
  private final JoinService joins;
  private final LeaveService leaves;
  private final PaymentSettingsService paymentSettings;
  private final PaymentService payments;
  private final RefundService refunds;
  private final DealDeadlines deadlines;
  private final DealReconciler reconciler;
  private final HoldSweeper holds;
  private final SandboxGateway sandbox;
  private final PickupPointService pickupPoints;
  private final FulfillmentService fulfillment;
  private final DeliveryZones deliveryZones;
  private final WebhookDispatcher webhooks;
  private final LeaderService leaders;
  private final StoreLeaders storeLeaders;
  private final AfterSalesSettingsService afterSalesSettings;
  private final ClaimService claims;
  private final OrderNotices notices;
  private Periodic refundQueries;
  private Periodic webhookSends;

  public Commerce(Platform platform, StoreService stores, StreamService streams, RoomEvents room) {
    this.platform = platform;
    this.stores = stores;
    SandboxProvider provider = new SandboxProvider(platform.redis(), platform.config().sandboxPaySecret(),
        platform.clock());
    DealCounters counters = new DealCounters(platform.redis());
    this.products = new ProductService(platform, stores);
    this.orders = new OrderService(platform, stores);
    this.refunds = new RefundService(platform, provider, stores);
    this.deals = new DealService(platform, streams, counters, room, refunds);
    this.paymentSettings = new PaymentSettingsService(platform, stores);
    this.pickupPoints = new PickupPointService(platform, stores);
    this.fulfillment = new FulfillmentService(platform, stores, orders, pickupPoints);
    this.deliveryZones = new DeliveryZones(platform, stores);
    this.joins = new JoinService(platform, deals, counters, new OrderWriter(platform.vertx(), platform.pool()),
        orders, room, paymentSettings, pickupPoints, deliveryZones);
    this.leaves = new LeaveService(platform, deals, counters, orders, refunds);
    this.payments = new PaymentService(platform, provider, orders, new PaidOrders(deals, counters), refunds,
        new LatePayments(platform, deals, counters));
    this.deadlines = new DealDeadlines(platform, deals);
    this.reconciler = new DealReconciler(platform, deals, counters, ABANDONED_AFTER);
    this.holds = new HoldSweeper(platform, deals, counters);
    this.sandbox = new SandboxGateway(platform.vertx(), platform.redis(), provider);
    this.webhooks = new WebhookDispatcher(platform);
    this.leaders = new LeaderService(platform, stores);
    this.storeLeaders = new LeaderRecords(platform.pool());
    this.afterSalesSettings = new AfterSalesSettingsService(platform, stores);
    this.claims = new ClaimService(platform, stores, orders, afterSalesSettings, refunds);
    this.notices = new OrderNotices(platform);
  }

  public void mount(Api api) {
    new CommerceRoutes(platform.auth(), products, deals, joins, leaves, orders).mount(api);
    new PaymentRoutes(platform.auth(), paymentSettings, payments, refunds).mount(api);
    new FulfillmentRoutes(platform.auth(), pickupPoints, fulfillment, new PickList(platform, fulfillment)).mount(api);
    new StoreOrderRoutes(platform.auth(), new StoreOrders(platform, stores)).mount(api);
    new DeliveryRoutes(platform.auth(), deliveryZones, new DeliveryHandover(platform, orders, fulfillment),
        new DeliveryRunSheet(platform, stores)).mount(api);
    new WebhookRoutes(platform.auth(), new WebhookService(platform, stores)).mount(api);
    new LeaderRoutes(platform.auth(), leaders).mount(api);
    new AfterSalesRoutes(platform.auth(), afterSalesSettings, claims).mount(api);
    new NoticeRoutes(platform.auth(), notices).mount(api);
  }

  /** The sandbox provider's hosted pay page: not Linli's API, a stand-in for the provider's site. */
  public void mountProviderPages(Router router) {
    sandbox.mount(router);
  }

  /** Starts the sweeps every node runs; {@code baseUrl} is where this node listens (for notifications). */
  public void startJobs(String baseUrl) {
    sandbox.notifyTo(baseUrl + "/api/payments/sandbox/notify", baseUrl + "/api/payments/sandbox/refund-notify");
    deadlines.start(1000);
    holds.start(1000);
    reconciler.start(5000);
    refundQueries = Periodic.every(platform.vertx(), 10_000, "refund queries", refunds::sweep);
    webhookSends = Periodic.every(platform.vertx(), 1_000, "webhook delivery", webhooks::runOnce);
  }

  public void stopJobs() {
    deadlines.stop();
    holds.stop();
    reconciler.stop();
    if (refundQueries != null) {
      refundQueries.stop();
      webhookSends.stop();
    }
  }

  /** A buyer's order notices from the record, for realtime to deliver (live-core's ViewerNotices port). */
  public ViewerNotices notices() {
    return notices;
  }

  public ProductService products() {
    return products;
  }

  public DealService deals() {
    return deals;
  }

  public JoinService joins() {
    return joins;
  }

  public OrderService orders() {
    return orders;
  }

  public PaymentService payments() {
    return payments;
  }

  public RefundService refunds() {
    return refunds;
  }

  public PaymentSettingsService paymentSettings() {
    return paymentSettings;
  }

  public FulfillmentService fulfillment() {
    return fulfillment;
  }

  public LeaderService leaders() {
    return leaders;
  }

  /** Who a leader is (their store and name), for realtime to show them in the room (live-core's StoreLeaders). */
  public StoreLeaders storeLeaders() {
    return storeLeaders;
  }

  public ClaimService claims() {
    return claims;
  }

  public DeliveryZones deliveryZones() {
    return deliveryZones;
  }

  public PickupPointService pickupPoints() {
    return pickupPoints;
  }

  public DealDeadlines deadlines() {
    return deadlines;
  }

  public HoldSweeper holds() {
    return holds;
  }

  public DealReconciler reconciler() {
    return reconciler;
  }
}
