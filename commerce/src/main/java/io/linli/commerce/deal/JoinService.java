package io.linli.commerce.deal;

import io.linli.commerce.deal.JoinOutcome.Accepted;
import io.linli.commerce.deal.JoinOutcome.Closed;
import io.linli.commerce.deal.JoinOutcome.Duplicate;
import io.linli.commerce.deal.JoinOutcome.LimitReached;
import io.linli.commerce.deal.JoinOutcome.NoState;
import io.linli.commerce.deal.JoinOutcome.SoldOut;
import io.linli.commerce.delivery.DeliveryPlan;
import io.linli.commerce.delivery.DeliveryRequest;
import io.linli.commerce.delivery.DeliveryZones;
import io.linli.commerce.fulfillment.PickupPointService;
import io.linli.commerce.order.NewOrder;
import io.linli.commerce.order.OrderService;
import io.linli.commerce.order.OrderStatus;
import io.linli.commerce.order.PaymentSettings;
import io.linli.commerce.order.PaymentSettingsService;
import io.linli.commerce.order.OrderWriter;
import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.room.RoomEvents;
import io.linli.core.time.Times;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hot path: a viewer's tap becomes an order. (1) one Lua script decides and reserves in Redis, (2) the
 * order is committed in PostgreSQL, and only then (3) the viewer gets 201 and the room hears the new counts.
 */
public final class JoinService {
  private static final int DUPLICATE_WAIT_TRIES = 20;
  private static final long DUPLICATE_WAIT_MS = 100;

  private final Platform platform;
  private final DealService deals;
  private final DealCounters counters;
  private final OrderWriter writer;
  private final OrderService orders;
  private final RoomEvents room;
  private final PaymentSettingsService payments;
  private final PickupPointService points;
  private final DeliveryZones deliveries;
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
  /** Orders of this node's joins between the Redis script and their commit: a twin tap waits on these. */
  private final Map<Long, Future<Void>> committing = new ConcurrentHashMap<>();
  private final Timer latency;
  private final Counter ordersPlaced;

  public JoinService(Platform platform, DealService deals, DealCounters counters, OrderWriter writer,
      OrderService orders, RoomEvents room, PaymentSettingsService payments, PickupPointService points) {
    this(platform, deals, counters, writer, orders, room, payments, points, null);
  }

  public JoinService(Platform platform, DealService deals, DealCounters counters, OrderWriter writer,
      OrderService orders, RoomEvents room, PaymentSettingsService payments, PickupPointService points,
      DeliveryZones deliveries) {
    this.deliveries = deliveries;
    this.payments = payments;
    this.points = points;
    this.platform = platform;
    this.deals = deals;
    this.counters = counters;
    this.writer = writer;
    this.orders = orders;
    this.room = room;
    this.latency = Timer.builder("linli.joins.latency").description("Join decided and committed")
        .publishPercentileHistogram().register(platform.metrics());
    this.ordersPlaced = Counter.builder("linli.orders.placed").description("Orders committed from joins")
        .register(platform.metrics());
  }

  /** {@code delivery} is null for a pickup order (at {@code pickupPointId}, or the store's counter). */
  public record JoinRequest(long dealId, int quantity, String idempotencyKey, String ref, String pickupPointId,
      DeliveryRequest delivery) {
    public JoinRequest(long dealId, int quantity, String idempotencyKey, String ref, String pickupPointId) {
      this(dealId, quantity, idempotencyKey, ref, pickupPointId, null);
    }
  }

  public Future<JsonObject> join(Caller caller, JoinRequest req) {
    if (!caller.isViewer()) {
      return Future.failedFuture(Problem.forbidden("Only viewers join deals; sign in as a viewer."));
    }
    int max = platform.config().maxJoinQuantity();
    if (req.quantity() < 1 || req.quantity() > max) {
      return counted("bad-quantity", Future.<JsonObject>failedFuture(
          Problem.unprocessable("quantity", "must be between 1 and " + max)));
    }
    String key = req.idempotencyKey() != null ? req.idempotencyKey() : UUID.randomUUID().toString();
    long started = System.nanoTime();
    return deals.deal(req.dealId())
        .compose(deal -> req.quantity() > deal.maxPerOrder()
            ? counted("bad-quantity", Future.failedFuture(Problem.unprocessable("quantity",
                "must be at most " + deal.maxPerOrder() + " per order")))
            : req.delivery() != null ? deliveryJoin(deal, caller, req, key)
            : points.resolve(deal.storeId(), req.pickupPointId())
                .compose(point -> payments.of(deal.storeId())
                    .compose(terms -> decide(deal, new Terms(terms, point.id(), null,
                        point.limited() ? deal.closingDay() : null), caller, req, key, true))))
        .onSuccess(x -> latency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS));
  }

  /** A join asking for delivery: the zone lookup happens only here, never on a pickup join. */
  private Future<JsonObject> deliveryJoin(Deal deal, Caller caller, JoinRequest req, String key) {
    if (req.pickupPointId() != null) {
      return counted("bad-fulfillment", Future.failedFuture(Problem.unprocessable("delivery",
          "choose either a pickup point or delivery, not both")));
    }
    if (deliveries == null) {
      return Future.failedFuture(Problem.unprocessable("delivery", "this store does not deliver"));
    }
    return deliveries.plan(deal.storeId(), req.delivery())
        .compose(plan -> payments.of(deal.storeId())
            .compose(terms -> decide(deal, new Terms(terms, null, plan, null), caller, req, key, true)));
  }

  /**
   * How this join is paid and where its bag will be collected (a pickup point, and the day whose place it takes
   * there when the point takes only so many bags a day) or taken (a delivery plan).
   */
  private record Terms(PaymentSettings payment, Long pickupPointId, DeliveryPlan delivery, LocalDate pickupDay) {
    boolean online() {
      return payment.online();
    }
  }

  private Future<JsonObject> decide(Deal deal, Terms terms, Caller caller, JoinRequest req, String key,
      boolean mayRebuild) {
    long orderId = Ids.next();
    // Pay on pickup: the join counts towards the group at once. Online: only once it is paid.
    DealCounters.Join join = new DealCounters.Join(deal.id(), caller.id(), key, req.quantity(), orderId,
        platform.clock().millis(), !terms.online());
    return counters.join(join).compose(outcome -> {
      if (outcome instanceof Accepted a) {
        return counted("accepted", commit(deal, terms, caller, req, key, a));
      }
      if (outcome instanceof Duplicate d) {
        return counted("duplicate", replay(deal, d.orderId(), req.quantity(), 0));
      }
      if (outcome instanceof LimitReached l) {
        return counted("limit-reached", Future.failedFuture(Problem.conflict("limit-reached",
            "Per-household limit reached", "Each household may take " + deal.perBuyerLimit()
                + "; you already hold " + l.alreadyHeld() + ".")));
      }
      if (outcome instanceof SoldOut s) {
        return counted("sold-out", Future.failedFuture(Problem.conflict("sold-out", "Sold out",
            s.remaining() == 0 ? "This deal is sold out." : "Only " + s.remaining() + " left.")));
      }
      if (outcome instanceof Closed c) {
        return counted("not-open", Future.failedFuture(notOpen(c.status())));
      }
      if (outcome instanceof NoState && mayRebuild) {
        return deals.rebuild(deal).compose(x -> decide(deal, terms, caller, req, key, false));
      }
      return Future.failedFuture(new IllegalStateException("deal " + deal.id() + " has no Redis state"));
    });
  }

  /** Step 2: the order is committed before anyone hears of it; if that fails the reservation is taken back. */
  private Future<JsonObject> commit(Deal deal, Terms terms, Caller caller, JoinRequest req, String key,
      Accepted a) {
    // The price of the tier this join reached; if the deal climbs further, the close lowers it (TierPricing).
    long unitPrice = deal.ladder().priceAt(a.counts().count(deal.countBy()));
    OffsetDateTime holdUntil = terms.online()
        ? platform.clock().instant().plus(terms.payment().paymentWindow()).atOffset(ZoneOffset.UTC) : null;
    long fee = terms.delivery() == null ? 0 : terms.delivery().feeFor(unitPrice * req.quantity());
    NewOrder order = new NewOrder(a.orderId(), deal.id(), deal.storeId(), deal.streamId(), caller.id(),
        req.quantity(), unitPrice, req.ref(), key,
        terms.online() ? OrderStatus.PENDING_PAYMENT : OrderStatus.PLACED, holdUntil, terms.pickupPointId(), fee,
        terms.delivery() == null ? null : terms.delivery().delivery(), terms.pickupDay());
    Future<Void> write = writer.write(order);
    committing.put(order.id(), write);
    write.onComplete(x -> committing.remove(order.id()));
    return write.transform(written -> {
      if (written.succeeded()) {
        ordersPlaced.increment();
        counters.committed(deal.id(), a.inflight());
        announce(deal, caller, a);
        return Future.succeededFuture(answer(deal, a.counts(), new OrderService.Placed(order.id(),
            order.status().name(), order.quantity(), order.amountFen(), holdUntil, order.delivery() != null,
            order.deliveryFeeFen())));
      }
      // Redis said yes but the record said no (Redis had lost counts or keys), or the write failed:
      // take the reservation back, tell the room, and answer as the record decided.
      Throwable failure = written.cause();
      return counters.release(deal.id(), a.inflight())
          .onSuccess(released -> {
            if (released) {
              deals.tellCounts(deal);
            }
          })
          .transform(released -> isDuplicateKey(failure)
              ? replayByKey(deal, caller, key, req.quantity())
              : Future.failedFuture(unknownViewer(failure)));
    });
  }

  /** Step 3: the room hears the counts (coalesced), and a crossing of the threshold is recorded once. */
  private void announce(Deal deal, Caller buyer, Accepted a) {
    deals.publishProgress(deal, a.counts());
    // Social proof ("小王 刚刚参团"): only the latest matters, so it is a state, not one frame per tap.
    room.publishState(deal.streamId(), "chat.system", "joined:" + Ids.toText(deal.id()), a.counts().version(),
        new JsonObject().put("kind", "deal.joined").put("dealId", Ids.toText(deal.id()))
            .put("nickname", buyer.name()).put("text", buyer.name() + " 刚刚参团"));
    if (a.crossedThreshold()) {
      deals.formWhenRecorded(deal.id());
    } else if (a.counts().remaining() == 0 && a.counts().status() == DealStatus.FORMED) {
      deals.close(deal.id());
    }
  }

  /**
   * What a join answers, the first time and for every retry of its key alike: the order as the join made it (its
   * status as it is now) and the deal's counts now.
   */
  private static JsonObject answer(Deal deal, DealCounts counts, OrderService.Placed order) {
    JsonObject placed = new JsonObject().put("id", Ids.toText(order.id())).put("status", order.status())
        .put("quantity", order.quantity()).put("amountFen", order.amountFen());
    if (order.holdExpiresAt() != null) {
      placed.put("holdExpiresAt", Times.iso(order.holdExpiresAt(), deal.zone()));
    }
    if (order.delivered()) {
      placed.put("fulfillment", "DELIVERY").put("deliveryFeeFen", order.deliveryFeeFen());
    }
    return new JsonObject().put("order", placed).put("deal", deal.progress(counts).put("id", Ids.toText(deal.id())));
  }

  /**
   * The same key again: the first answer, nothing moved. The first attempt may still be committing: on this node
   * (a double tap lands on one connection's node) the twin waits for that commit; a first attempt on another node
   * is polled for.
   */
  private Future<JsonObject> replay(Deal deal, long orderId, int quantity, int tries) {
    return orders.placed(orderId).compose(order -> {
      if (order != null) {
        if (order.quantity() != quantity) {
          return Future.failedFuture(Problem.unprocessable("Idempotency-Key",
              "was already used for a join of " + order.quantity() + "; use a new key"));
        }
        return deals.counts(deal).map(c -> answer(deal, c, order));
      }
      if (tries >= DUPLICATE_WAIT_TRIES) {
        return Future.failedFuture(Problem.conflict("in-progress", "Join in progress",
            "A join with this Idempotency-Key is still being processed; retry shortly."));
      }
      Promise<Void> later = Promise.promise();
      Future<Void> first = committing.get(orderId);
      if (first != null) {
        Context here = platform.vertx().getOrCreateContext();
        first.onComplete(x -> here.runOnContext(v -> later.complete()));
      } else {
        platform.vertx().setTimer(DUPLICATE_WAIT_MS, t -> later.complete());
      }
      return later.future().compose(x -> replay(deal, orderId, quantity, tries + 1));
    });
  }

  private Future<JsonObject> replayByKey(Deal deal, Caller caller, String key, int quantity) {
    return platform.pool()
        .preparedQuery("select id from orders where deal_id = $1 and viewer_id = $2 and idempotency_key = $3")
        .execute(io.vertx.sqlclient.Tuple.of(deal.id(), caller.id(), key))
        .compose(rows -> replay(deal, rows.iterator().next().getLong("id"), quantity, 0));
  }

  private static Problem notOpen(DealStatus status) {
    return switch (status) {
      case SCHEDULED -> Problem.conflict("not-open-yet", "Deal not open yet", "This deal opens later.");
      case PAUSED -> Problem.conflict("paused", "Deal paused", "The host paused this deal; try again shortly.");
      default -> Problem.gone("deal-closed", "Deal no longer open", "This deal is " + status + ".");
    };
  }

  /** The order row refers to a viewer the record does not have (deleted, or a token from another database). */
  private static Throwable unknownViewer(Throwable e) {
    return e instanceof PgException pg && "23503".equals(pg.getSqlState())
        && String.valueOf(pg.getConstraint()).contains("viewer")
        ? Problem.unauthorized("This viewer no longer exists; sign in again.") : e;
  }

  private static boolean isDuplicateKey(Throwable e) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  private Future<JsonObject> counted(String outcome, Future<JsonObject> result) {
    outcomes.computeIfAbsent(outcome, o -> Counter.builder("linli.joins").tag("outcome", o)
        .description("Join attempts by outcome").register(platform.metrics())).increment();
    return result;
  }
}
