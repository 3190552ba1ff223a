package io.linli.commerce.leader;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.linli.core.time.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.ZoneId;

/**
 * A store's leaders (团长): registered by its staff with a password of their own and a referral code for their
 * links; they sign in as LEADER callers, host pickup points, and see the bags waiting at them.
 */
public final class LeaderService {
  private static final String CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int CODE_DRAWS = 5;

  private final Platform platform;
  private final StoreService stores;

  public LeaderService(Platform platform, StoreService stores) {
    this.platform = platform;
    this.stores = stores;
  }

  public record NewLeader(String name, String phone, String password) {}

  public Future<JsonObject> register(Caller caller, long storeId, NewLeader req) {
    long id = Ids.next();
    return stores.requireStaff(caller, storeId)
        .compose(role -> platform.passwords().hash(req.password()))
        .compose(hash -> insert(id, storeId, req, hash, CODE_DRAWS))
        .map(LeaderService::toJson);
  }

  private Future<Row> insert(long id, long storeId, NewLeader req, String hash, int drawsLeft) {
    return platform.pool()
        .preparedQuery("insert into leaders(id, store_id, name, phone, password_hash, referral_code)"
            + " values ($1, $2, $3, $4, $5, $6) returning *")
        .execute(Tuple.of(id, storeId, req.name(), req.phone(), hash, drawCode()))
        .map(rows -> rows.iterator().next())
        .recover(e -> {
          if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
            if (pg.getConstraint() != null && pg.getConstraint().contains("referral_code") && drawsLeft > 1) {
              return insert(id, storeId, req, hash, drawsLeft - 1);
            }
            return Future.failedFuture(Problem.conflict("phone-taken", "Phone already registered",
                "This phone already belongs to a leader."));
          }
          return Future.failedFuture(e);
        });
  }

  static String drawCode() {
    StringBuilder code = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      code.append(CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length())));
    }
    return code.toString();
  }

  /** The store's leaders, each with what the store owes them for compensation not yet settled. */
  public Future<JsonObject> list(Caller caller, long storeId) {
    return stores.requireStaff(caller, storeId)
        .compose(role -> platform.pool().preparedQuery("select l.*, coalesce((select sum(p.amount_fen)"
                + " from leader_payables p where p.leader_id = l.id and p.settlement_id is null), 0) as owed_fen"
                + " from leaders l where l.store_id = $1 order by l.id")
            .execute(Tuple.of(storeId)))
        .map(rows -> {
          JsonArray leaders = new JsonArray();
          rows.forEach(r -> leaders.add(toJson(r).put("owedFen", r.getLong("owed_fen"))));
          return new JsonObject().put("leaders", leaders);
        });
  }

  /** Phone and password give a LEADER token; never a staff or viewer one. */
  public Future<JsonObject> signIn(String phone, String password) {
    Problem wrong = Problem.unauthorized("Phone or password is wrong.");
    return platform.pool().preparedQuery("select * from leaders where phone = $1").execute(Tuple.of(phone))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next())
        .compose(leader -> leader == null
            // Hash anyway so an unknown phone takes as long as a wrong password.
            ? platform.passwords().hash(password).compose(x -> Future.<Row>failedFuture(wrong))
            : platform.passwords().matches(password, leader.getString("password_hash"))
                .compose(ok -> ok ? Future.succeededFuture(leader) : Future.<Row>failedFuture(wrong)))
        .map(leader -> new JsonObject()
            .put("token", platform.tokens().issue(new Caller(Caller.Kind.LEADER, leader.getLong("id"),
                leader.getString("name"))))
            .put("leader", toJson(leader)));
  }

  /**
   * The bags at the points this leader hosts, newest first (DISPATCHED ones are on their way in); the pickup
   * code stays the household's.
   */
  public Future<JsonObject> bags(Caller caller, String status) {
    if (!caller.isLeader()) {
      return Future.failedFuture(Problem.forbidden("Only leaders may do this; sign in as a leader."));
    }
    return platform.pool()
        .preparedQuery("select o.id, o.status, o.quantity, o.amount_fen, o.pickup_point_id, o.created_at,"
            + " pp.name as point_name, v.nickname, right(v.phone, 4) as phone_tail, pr.name as product,"
            + " st.timezone from orders o join pickup_points pp on pp.id = o.pickup_point_id"
            + " join viewers v on v.id = o.viewer_id join deals d on d.id = o.deal_id"
            + " join products pr on pr.id = d.product_id join stores st on st.id = o.store_id"
            + " where pp.leader_id = $1 and ($2::text is null or o.status = $2)"
            + " and o.status in ('CONFIRMED', 'PACKED', 'DISPATCHED', 'AT_PICKUP_POINT', 'COMPLETED')"
            + " order by o.id desc limit 500")
        .execute(Tuple.of(caller.id(), status))
        .map(rows -> {
          JsonArray bags = new JsonArray();
          for (Row r : rows) {
            ZoneId zone = ZoneId.of(r.getString("timezone"));
            bags.add(new JsonObject().put("orderId", Ids.toText(r.getLong("id")))
                .put("status", r.getString("status"))
                .put("pickupPointId", Ids.toText(r.getLong("pickup_point_id")))
                .put("pickupPointName", r.getString("point_name"))
                .put("product", r.getString("product"))
                .put("quantity", r.getInteger("quantity"))
                .put("amountFen", r.getLong("amount_fen"))
                .put("nickname", r.getString("nickname"))
                .put("phoneTail", r.getString("phone_tail"))
                .put("createdAt", Times.iso(r.getOffsetDateTime("created_at"), zone)));
          }
          return new JsonObject().put("bags", bags);
        });
  }

  /** What the store owes the leader, item by item, and its settlements: for the store's staff or the leader. */
  public Future<JsonObject> ledger(Caller caller, long leaderId) {
    return mayReadLedger(caller, leaderId)
        .compose(leader -> platform.pool()
            .preparedQuery("select p.claim_id, c.order_id, p.amount_fen, p.settlement_id, p.created_at"
                + " from leader_payables p join claims c on c.id = p.claim_id where p.leader_id = $1"
                + " order by p.created_at, p.claim_id")
            .execute(Tuple.of(leaderId))
            .compose(items -> platform.pool()
                .preparedQuery("select * from leader_settlements where leader_id = $1 order by at, id")
                .execute(Tuple.of(leaderId))
                .map(settlements -> {
                  ZoneId zone = ZoneId.of(leader.getString("timezone"));
                  long owed = 0;
                  long settled = 0;
                  JsonArray entries = new JsonArray();
                  for (Row r : items) {
                    boolean open = r.getLong("settlement_id") == null;
                    owed += open ? r.getLong("amount_fen") : 0;
                    entries.add(new JsonObject().put("claimId", Ids.toText(r.getLong("claim_id")))
                        .put("orderId", Ids.toText(r.getLong("order_id")))
                        .put("amountFen", r.getLong("amount_fen"))
                        .put("settlementId", open ? null : Ids.toText(r.getLong("settlement_id")))
                        .put("at", Times.iso(r.getOffsetDateTime("created_at"), zone)));
                  }
                  JsonArray done = new JsonArray();
                  for (Row s : settlements) {
                    settled += s.getLong("amount_fen");
                    done.add(settlementJson(s, zone));
                  }
                  return toJson(leader).put("owedFen", owed).put("settledFen", settled)
                      .put("compensations", entries).put("settlements", done);
                })));
  }

  /** Staff pay the leader back everything owed so far, in one settlement. Nothing owed is 409. */
  public Future<JsonObject> settle(Caller caller, long leaderId) {
    long settlementId = Ids.next();
    return leader(leaderId)
        .compose(leader -> stores.requireStaff(caller, leader.getLong("store_id")).map(leader))
        .compose(leader -> platform.pool().withTransaction(tx -> tx
                .preparedQuery("select claim_id, amount_fen from leader_payables where leader_id = $1"
                    + " and settlement_id is null for update")
                .execute(Tuple.of(leaderId))
                .compose(rows -> {
                  long total = 0;
                  for (Row r : rows) {
                    total += r.getLong("amount_fen");
                  }
                  if (total == 0) {
                    return Future.failedFuture(Problem.conflict("nothing-owed", "Nothing to settle",
                        "The store owes this leader nothing right now."));
                  }
                  return tx.preparedQuery("insert into leader_settlements(id, leader_id, amount_fen, staff_id)"
                          + " values ($1, $2, $3, $4) returning *")
                      .execute(Tuple.of(settlementId, leaderId, total, caller.id()))
                      .compose(s -> tx.preparedQuery("update leader_payables set settlement_id = $1"
                              + " where leader_id = $2 and settlement_id is null")
                          .execute(Tuple.of(settlementId, leaderId))
                          .map(x -> s.iterator().next()));
                }))
            .map(s -> settlementJson(s, ZoneId.of(leader.getString("timezone")))));
  }

  private Future<Row> mayReadLedger(Caller caller, long leaderId) {
    return leader(leaderId).compose(leader -> {
      if (caller.isLeader()) {
        return caller.id() == leaderId ? Future.succeededFuture(leader)
            : Future.failedFuture(Problem.forbidden("This is another leader's ledger."));
      }
      return stores.requireStaff(caller, leader.getLong("store_id")).map(leader);
    });
  }

  private Future<Row> leader(long leaderId) {
    return platform.pool().preparedQuery("select l.*, st.timezone from leaders l join stores st"
            + " on st.id = l.store_id where l.id = $1")
        .execute(Tuple.of(leaderId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(Problem.notFound("Leader", Ids.toText(leaderId)))
            : Future.succeededFuture(rows.iterator().next()));
  }

  private static JsonObject settlementJson(Row s, ZoneId zone) {
    return new JsonObject().put("id", Ids.toText(s.getLong("id")))
        .put("leaderId", Ids.toText(s.getLong("leader_id")))
        .put("amountFen", s.getLong("amount_fen"))
        .put("staffId", Ids.toText(s.getLong("staff_id")))
        .put("at", Times.iso(s.getOffsetDateTime("at"), zone));
  }

  static JsonObject toJson(Row r) {
    return new JsonObject()
        .put("id", Ids.toText(r.getLong("id")))
        .put("storeId", Ids.toText(r.getLong("store_id")))
        .put("name", r.getString("name"))
        .put("phone", r.getString("phone"))
        .put("referralCode", r.getString("referral_code"));
  }
}
