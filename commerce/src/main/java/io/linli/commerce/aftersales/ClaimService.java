package io.linli.commerce.aftersales;

import io.linli.commerce.order.OrderService;
import io.linli.commerce.payment.RefundService;
import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.linli.core.time.Times;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Set;

/**
 * After-sales (售后): a household claims on a completed order within the store's window; the leader of the
 * order's pickup point may compensate on the spot up to the store's limit (团长先行赔付, owed to the leader by
 * the store) or escalate; the store's staff approve (refunded through the provider) or deny. Each decision is a
 * conditional step under the claim's row lock, recorded with who, when, why and how much.
 */
public final class ClaimService {
  private static final Set<String> UNDECIDED = Set.of("OPEN", "ESCALATED");
  private static final String SELECT = "select c.*, pp.leader_id, st.timezone from claims c"
      + " join stores st on st.id = c.store_id left join pickup_points pp on pp.id = c.pickup_point_id";
  /**
   * What a household may still claim on an order: what it paid (its succeeded payments, or the order's amount
   * when it paid at pickup) less what was refunded or is being refunded, compensated, granted in cash, or is
   * still claimed in an undecided claim.
   */
  private static final String CLAIMABLE = "select o.amount_fen,"
      + " (select coalesce(sum(amount_fen), 0) from payments where order_id = o.id and status = 'SUCCEEDED') as paid,"
      + " (select coalesce(sum(amount_fen), 0) from refunds where order_id = o.id and status <> 'FAILED') as refunded,"
      + " (select coalesce(sum(case when status in ('OPEN', 'ESCALATED') then requested_fen"
      + "   when status = 'COMPENSATED' or (status = 'APPROVED' and settlement = 'STORE_CASH') then granted_fen"
      // A grant whose refund failed is still owed (staff try the refund again): it is not claimable twice.
      + "   when status = 'APPROVED' and settlement = 'PROVIDER_REFUND' and not exists (select 1 from refunds r"
      + "     where r.claim_id = claims.id and r.status <> 'FAILED') then granted_fen"
      + "   else 0 end), 0) from claims where order_id = o.id) as claimed"
      + " from orders o where o.id = $1";

  private final Platform platform;
  private final StoreService stores;
  private final OrderService orders;
  private final AfterSalesSettingsService settings;
  private final RefundService refunds;

  public ClaimService(Platform platform, StoreService stores, OrderService orders, AfterSalesSettingsService settings,
      RefundService refunds) {
    this.platform = platform;
    this.stores = stores;
    this.orders = orders;
    this.settings = settings;
    this.refunds = refunds;
  }

  public enum Reason { DAMAGED, MISSING, QUALITY, WRONG_ITEM, OTHER }

  public record NewClaim(Reason reason, String note, long requestedFen, String photoBase64) {}

  // ---- the household ----

  public Future<JsonObject> open(Caller caller, long orderId, NewClaim req) {
    if (!caller.isViewer()) {
      return Future.failedFuture(Problem.forbidden("Only the household that bought the order may claim on it."));
    }
    long claimId = Ids.next();
    return orders.find(orderId)
        .compose(order -> {
          if (order == null) {
            return Future.failedFuture(Problem.notFound("Order", Ids.toText(orderId)));
          }
          if (order.getLong("viewer_id") != caller.id()) {
            return Future.failedFuture(Problem.forbidden("This is another household's order."));
          }
          return settings.of(platform.pool(), order.getLong("store_id"));
        })
        .compose(rules -> photo(req.photoBase64(), rules.photoMaxBytes()).map(photo -> new Object[] {rules, photo}))
        .compose(both -> platform.pool().withTransaction(tx -> tx
            .preparedQuery("select o.id, o.store_id, o.viewer_id, o.status, o.pickup_point_id,"
                + " (select max(e.at) from order_events e where e.order_id = o.id and e.to_status = 'COMPLETED')"
                + " as completed_at from orders o where o.id = $1 for update")
            .execute(Tuple.of(orderId))
            .compose(rows -> {
              Row order = rows.iterator().next();
              AfterSalesSettings rules = (AfterSalesSettings) both[0];
              if (!"COMPLETED".equals(order.getString("status"))) {
                return Future.failedFuture(Problem.conflict("order-not-completed", "Not handed over yet",
                    "The order is " + order.getString("status") + "; a claim can be opened once it is handed over."));
              }
              OffsetDateTime completed = order.getOffsetDateTime("completed_at");
              if (completed != null && completed.toInstant().plus(Duration.ofHours(rules.claimWindowHours()))
                  .isBefore(platform.clock().instant())) {
                return Future.failedFuture(Problem.conflict("claim-window-closed", "Too late to claim",
                    "This store takes claims within " + rules.claimWindowHours() + " hours of handover."));
              }
              return claimable(tx, orderId).compose(left -> req.requestedFen() > left
                  ? Future.failedFuture(Problem.unprocessable("requestedFen", "is more than the " + left
                      + " fen that can still be claimed on this order"))
                  : insert(tx, claimId, order, req, (ClaimPhoto) both[1], caller));
            })))
        .compose(x -> claimJson(claimId));
  }

  private Future<ClaimPhoto> photo(String base64, int maxBytes) {
    if (base64 == null) {
      return Future.succeededFuture(null);
    }
    return platform.vertx().executeBlocking(() -> ClaimPhoto.decode(base64, maxBytes), false);
  }

  private Future<Void> insert(SqlConnection tx, long claimId, Row order, NewClaim req, ClaimPhoto photo,
      Caller caller) {
    Future<?> claim = tx.preparedQuery("insert into claims(id, order_id, store_id, viewer_id, pickup_point_id,"
            + " reason, note, requested_fen, status) values ($1, $2, $3, $4, $5, $6, $7, $8, 'OPEN')")
        .execute(Tuple.from(new Object[] {claimId, order.getLong("id"), order.getLong("store_id"),
            order.getLong("viewer_id"), order.getLong("pickup_point_id"), req.reason().name(), req.note(),
            req.requestedFen()}))
        .compose(x -> event(tx, claimId, null, "OPEN", caller, req.requestedFen(), req.note()));
    return claim.compose(x -> photo == null ? Future.succeededFuture()
            : tx.preparedQuery("insert into claim_photos(claim_id, content_type, bytes) values ($1, $2, $3)")
                .execute(Tuple.of(claimId, photo.contentType(), Buffer.buffer(photo.bytes()))))
        .mapEmpty();
  }

  private Future<Long> claimable(SqlClient client, long orderId) {
    return client.preparedQuery(CLAIMABLE).execute(Tuple.of(orderId)).map(rows -> {
      Row r = rows.iterator().next();
      long paid = r.getLong("paid") > 0 ? r.getLong("paid") : r.getLong("amount_fen");
      return Math.max(0, paid - r.getLong("refunded") - r.getLong("claimed"));
    });
  }

  // ---- reading ----

  public Future<JsonObject> get(Caller caller, long claimId) {
    return readable(caller, claimId).compose(row -> claimJson(claimId));
  }

  /** The order's claims, for whoever may read the order (its household, the store's staff, its point's leader). */
  public Future<JsonObject> forOrder(Caller caller, long orderId) {
    return orders.get(caller, orderId)
        .compose(x -> list(SELECT + " where c.order_id = $1 order by c.id", Tuple.of(orderId)));
  }

  public Future<JsonObject> forStore(Caller caller, long storeId, String status) {
    return stores.requireStaff(caller, storeId)
        .compose(x -> list(SELECT + " where c.store_id = $1 and ($2::text is null or c.status = $2)"
            + " order by c.id desc limit 200", Tuple.of(storeId, status)));
  }

  /** Claims on bags collected at the points the leader hosts. */
  public Future<JsonObject> forLeader(Caller caller, String status) {
    if (!caller.isLeader()) {
      return Future.failedFuture(Problem.forbidden("Only leaders may do this; sign in as a leader."));
    }
    return list(SELECT + " where pp.leader_id = $1 and ($2::text is null or c.status = $2)"
        + " order by c.id desc limit 200", Tuple.of(caller.id(), status));
  }

  public record Photo(String contentType, Buffer bytes) {}

  public Future<Photo> photo(Caller caller, long claimId) {
    return readable(caller, claimId)
        .compose(x -> platform.pool().preparedQuery("select content_type, bytes from claim_photos where claim_id = $1")
            .execute(Tuple.of(claimId)))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(Problem.notFound("Photo of claim", Ids.toText(claimId)))
            : Future.succeededFuture(new Photo(rows.iterator().next().getString(0),
                rows.iterator().next().getBuffer(1))));
  }

  /** The claim's household, the store's staff, or the leader of its pickup point; anyone else 403. */
  private Future<Row> readable(Caller caller, long claimId) {
    return find(platform.pool(), claimId, false).compose(row -> {
      if (caller.isViewer()) {
        return row.getLong("viewer_id") == caller.id() ? Future.succeededFuture(row)
            : Future.failedFuture(Problem.forbidden("This is another household's claim."));
      }
      if (caller.isLeader()) {
        return hostedBy(row, caller) ? Future.succeededFuture(row)
            : Future.failedFuture(Problem.forbidden("This claim is not on a bag collected at a point you host."));
      }
      return stores.requireStaff(caller, row.getLong("store_id")).map(row);
    });
  }

  // ---- the leader of the pickup point ----

  /** Pays the household on the spot, within the store's limit; the store then owes the leader that amount. */
  public Future<JsonObject> compensate(Caller caller, long claimId, long amountFen, String note) {
    return leaderOfClaim(caller, claimId)
        .compose(row -> settings.of(platform.pool(), row.getLong("store_id")).compose(rules -> {
          if (amountFen > rules.leaderLimitFen()) {
            return Future.failedFuture(Problem.unprocessable("amountFen", "is over this store's limit of "
                + rules.leaderLimitFen() + " fen for a leader on the spot; escalate the claim to the store"));
          }
          return Future.succeededFuture(row);
        }))
        .compose(x -> platform.pool().withTransaction(tx -> find(tx, claimId, true)
            .compose(claim -> step(tx, claim, Set.of("OPEN"), "COMPENSATED", amountFen, "LEADER_CASH",
                caller, note))
            .compose(claim -> tx.preparedQuery("insert into leader_payables(claim_id, leader_id, store_id, amount_fen)"
                    + " values ($1, $2, $3, $4)")
                .execute(Tuple.of(claimId, caller.id(), claim.getLong("store_id"), amountFen))
                // A pay-on-pickup order's money never passed through Linli, so its ledger has nothing to net.
                .compose(y -> tx.preparedQuery("insert into ledger_entries(order_id, kind, amount_fen, claim_id)"
                        + " select $1, 'COMPENSATION', $2, $3 where exists (select 1 from payments"
                        + " where order_id = $1 and status = 'SUCCEEDED')")
                    .execute(Tuple.of(claim.getLong("order_id"), -amountFen, claimId))))))
        .compose(x -> claimJson(claimId));
  }

  /** Passes the claim to the store's staff (over the limit, or not the leader's call). */
  public Future<JsonObject> escalate(Caller caller, long claimId, String note) {
    return leaderOfClaim(caller, claimId)
        .compose(x -> platform.pool().withTransaction(tx -> find(tx, claimId, true)
            .compose(claim -> step(tx, claim, Set.of("OPEN"), "ESCALATED", null, null, caller, note))))
        .compose(x -> claimJson(claimId));
  }

  private Future<Row> leaderOfClaim(Caller caller, long claimId) {
    if (!caller.isLeader()) {
      return Future.failedFuture(Problem.forbidden("Only the leader of the claim's pickup point may do this."));
    }
    return find(platform.pool(), claimId, false).compose(row -> hostedBy(row, caller) ? Future.succeededFuture(row)
        : Future.failedFuture(Problem.forbidden("Only the leader of the claim's pickup point may do this.")));
  }

  private static boolean hostedBy(Row claim, Caller leader) {
    Long host = claim.getLong("leader_id");
    return host != null && host == leader.id();
  }

  // ---- the store's staff ----

  /**
   * Grants the claim, in full or in part. A paid-online order is refunded through the provider, claimed in the
   * same transaction as the approval (once per claim) and asked after it commits; a pay-on-pickup order paid no
   * money through Linli, so the store hands the amount back in cash (STORE_CASH), as its refunds do nothing.
   */
  public Future<JsonObject> approve(Caller caller, long claimId, long amountFen, String note) {
    return staffOfClaim(caller, claimId)
        .compose(x -> platform.pool().withTransaction(tx -> find(tx, claimId, true)
            .compose(claim -> tx.preparedQuery("select exists (select 1 from payments where order_id = $1"
                    + " and status = 'SUCCEEDED')").execute(Tuple.of(claim.getLong("order_id")))
                .compose(paid -> {
                  boolean online = paid.iterator().next().getBoolean(0);
                  return step(tx, claim, UNDECIDED, "APPROVED", amountFen,
                      online ? "PROVIDER_REFUND" : "STORE_CASH", caller, note)
                      .compose(y -> online ? refunds.claimForClaim(tx, claim.getLong("order_id"), claimId, amountFen)
                          : Future.<RefundService.Claimed>succeededFuture(null))
                      .compose(r -> online && r == null
                          ? Future.failedFuture(Problem.unprocessable("amountFen",
                              "is more than is left to refund on the order's payment"))
                          : Future.succeededFuture(r));
                }))))
        .compose(refunds::sendAfterCommit)
        .compose(x -> claimJson(claimId));
  }

  public Future<JsonObject> deny(Caller caller, long claimId, String reason) {
    return staffOfClaim(caller, claimId)
        .compose(x -> platform.pool().withTransaction(tx -> find(tx, claimId, true)
            .compose(claim -> step(tx, claim, UNDECIDED, "DENIED", null, null, caller, reason))))
        .compose(x -> claimJson(claimId));
  }

  private Future<Row> staffOfClaim(Caller caller, long claimId) {
    return find(platform.pool(), claimId, false)
        .compose(row -> stores.requireStaff(caller, row.getLong("store_id")).map(row));
  }

  // ---- steps ----

  /**
   * One step of the claim from one of {@code from} to {@code to}, under its row lock, recorded with who and why.
   * A granted amount may not exceed what was claimed. A decided claim is a 409.
   */
  private Future<Row> step(SqlConnection tx, Row claim, Set<String> from, String to, Long grantedFen,
      String settlement, Caller actor, String note) {
    String now = claim.getString("status");
    if (!from.contains(now)) {
      return Future.failedFuture(Problem.conflict("claim-decided", "Claim already decided",
          "The claim is " + now + " and cannot become " + to + "."));
    }
    if (grantedFen != null && grantedFen > claim.getLong("requested_fen")) {
      return Future.failedFuture(Problem.unprocessable("amountFen", "is more than the "
          + claim.getLong("requested_fen") + " fen claimed"));
    }
    long claimId = claim.getLong("id");
    return tx.preparedQuery("update claims set status = $2, granted_fen = $3, settlement = $4, updated_at = now()"
            + " where id = $1 returning *")
        .execute(Tuple.of(claimId, to, grantedFen, settlement))
        .compose(rows -> event(tx, claimId, now, to, actor, grantedFen, note).map(rows.iterator().next()));
  }

  private Future<Void> event(SqlConnection tx, long claimId, String from, String to, Caller actor, Long amountFen,
      String note) {
    return tx.preparedQuery("insert into claim_events(claim_id, from_status, to_status, actor_kind, actor_id,"
            + " amount_fen, note) values ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.from(new Object[] {claimId, from, to, actor.kind().name(), actor.id(), amountFen, note}))
        .mapEmpty();
  }

  private Future<Row> find(SqlClient client, long claimId, boolean lock) {
    return client.preparedQuery(SELECT + " where c.id = $1" + (lock ? " for update of c" : ""))
        .execute(Tuple.of(claimId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(Problem.notFound("Claim", Ids.toText(claimId)))
            : Future.succeededFuture(rows.iterator().next()));
  }

  // ---- views ----

  private Future<JsonObject> claimJson(long claimId) {
    return list(SELECT + " where c.id = $1", Tuple.of(claimId)).map(l -> l.getJsonArray("claims").getJsonObject(0));
  }

  /** Claims with their steps, photo link and refund, in three queries whatever their number. */
  private Future<JsonObject> list(String sql, Tuple args) {
    return platform.pool().preparedQuery(sql).execute(args).compose(rows -> {
      Long[] ids = new Long[rows.size()];
      int i = 0;
      for (Row r : rows) {
        ids[i++] = r.getLong("id");
      }
      Future<RowSet<Row>> events = platform.pool().preparedQuery("select * from claim_events where claim_id = any($1)"
          + " order by id").execute(Tuple.of(ids));
      Future<RowSet<Row>> extras = platform.pool().preparedQuery("select c.id,"
          + " exists (select 1 from claim_photos p where p.claim_id = c.id) as has_photo,"
          + " r.id as refund_id, r.status as refund_status, r.amount_fen as refund_fen"
          // The latest attempt: a failed refund tried again shows its retry.
          + " from claims c left join lateral (select id, status, amount_fen from refunds where claim_id = c.id"
          + " order by id desc limit 1) r on true where c.id = any($1)").execute(Tuple.of(ids));
      return Future.all(events, extras).map(x -> {
        JsonArray claims = new JsonArray();
        for (Row r : rows) {
          claims.add(toJson(r, events.result(), extras.result()));
        }
        return new JsonObject().put("claims", claims);
      });
    });
  }

  private static JsonObject toJson(Row r, RowSet<Row> events, RowSet<Row> extras) {
    ZoneId zone = ZoneId.of(r.getString("timezone"));
    long id = r.getLong("id");
    JsonArray steps = new JsonArray();
    for (Row e : events) {
      if (e.getLong("claim_id") == id) {
        steps.add(new JsonObject().put("from", e.getString("from_status")).put("to", e.getString("to_status"))
            .put("actorKind", e.getString("actor_kind"))
            .put("actorId", e.getLong("actor_id") == null ? null : Ids.toText(e.getLong("actor_id")))
            .put("amountFen", e.getLong("amount_fen")).put("note", e.getString("note"))
            .put("at", Times.iso(e.getOffsetDateTime("at"), zone)));
      }
    }
    JsonObject json = new JsonObject()
        .put("id", Ids.toText(id))
        .put("orderId", Ids.toText(r.getLong("order_id")))
        .put("storeId", Ids.toText(r.getLong("store_id")))
        .put("pickupPointId", r.getLong("pickup_point_id") == null ? null : Ids.toText(r.getLong("pickup_point_id")))
        .put("reason", r.getString("reason"))
        .put("note", r.getString("note"))
        .put("requestedFen", r.getLong("requested_fen"))
        .put("status", r.getString("status"))
        .put("grantedFen", r.getLong("granted_fen"))
        .put("settlement", r.getString("settlement"))
        .put("createdAt", Times.iso(r.getOffsetDateTime("created_at"), zone))
        .put("events", steps)
        .put("photoUrl", null)
        .put("refund", null);
    for (Row x : extras) {
      if (x.getLong("id") == id) {
        if (x.getBoolean("has_photo")) {
          json.put("photoUrl", "/api/claims/" + Ids.toText(id) + "/photo");
        }
        if (x.getLong("refund_id") != null) {
          json.put("refund", new JsonObject().put("id", Ids.toText(x.getLong("refund_id")))
              .put("status", x.getString("refund_status")).put("amountFen", x.getLong("refund_fen")));
        }
      }
    }
    return json;
  }
}
