package io.linli.core.store;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.time.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneId;

/** Store sign-up, staff login, and the question every staff endpoint asks: may this person touch this store? */
public final class StoreService {
  private final Platform platform;

  public StoreService(Platform platform) {
    this.platform = platform;
  }

  public record SignUp(String name, String ownerName, String phone, String password, String timezone) {}

  /**
   * Creates a store and its owner. A phone that already has an account may open another store only with
   * that account's password; otherwise the phone is taken.
   */
  public Future<JsonObject> signUp(SignUp req) {
    ZoneId zone = Times.zone("timezone", req.timezone());
    long storeId = Ids.next();
    return findStaffByPhone(req.phone())
        .compose(existing -> existing == null ? newOwner(req.password()) : existingOwner(existing, req.password()))
        .compose(owner -> platform.pool().withTransaction(tx -> {
          Future<?> staff = owner.isNew()
              ? tx.preparedQuery("insert into staff(id, name, phone, password_hash) values ($1, $2, $3, $4)")
                  .execute(Tuple.of(owner.id(), req.ownerName(), req.phone(), owner.newHash()))
              : Future.succeededFuture();
          return staff
              .compose(x -> tx.preparedQuery("insert into stores(id, name, timezone) values ($1, $2, $3)")
                  .execute(Tuple.of(storeId, req.name(), zone.getId())))
              .compose(x -> tx.preparedQuery(
                      "insert into store_staff(store_id, staff_id, role) values ($1, $2, 'OWNER')")
                  .execute(Tuple.of(storeId, owner.id())))
              .map(x -> owner.id());
        }))
        .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(phoneTaken())
            : Future.failedFuture(e))
        .map(staffId -> new JsonObject()
            .put("store", new JsonObject().put("id", Ids.toText(storeId)).put("name", req.name())
                .put("timezone", zone.getId()))
            .put("token", platform.tokens().issue(new Caller(Caller.Kind.STAFF, staffId, req.ownerName()))));
  }

  /** The owner of a new store: a new account (with the hash to store) or an existing one. */
  private record Owner(long id, String newHash) {
    boolean isNew() {
      return newHash != null;
    }
  }

  private Future<Owner> newOwner(String password) {
    return platform.passwords().hash(password).map(hash -> new Owner(Ids.next(), hash));
  }

  private Future<Owner> existingOwner(Row staff, String password) {
    return platform.passwords().matches(password, staff.getString("password_hash"))
        .compose(ok -> ok ? Future.succeededFuture(new Owner(staff.getLong("id"), null))
            : Future.failedFuture(phoneTaken()));
  }

  private static Problem phoneTaken() {
    return Problem.conflict("phone-taken", "Phone already registered",
        "This phone already has an account; sign in, or use its password to open another store.");
  }

  public Future<JsonObject> login(String phone, String password) {
    Problem wrong = Problem.unauthorized("Phone or password is wrong.");
    return findStaffByPhone(phone)
        .compose(staff -> staff == null
            // Hash anyway so an unknown phone takes as long as a wrong password.
            ? platform.passwords().hash(password).compose(x -> Future.failedFuture(wrong))
            : platform.passwords().matches(password, staff.getString("password_hash"))
                .compose(ok -> ok ? Future.succeededFuture(staff) : Future.failedFuture(wrong)))
        .compose(staff -> platform.pool()
            .preparedQuery("select s.id, s.name, m.role from store_staff m join stores s on s.id = m.store_id"
                + " where m.staff_id = $1 order by s.created_at")
            .execute(Tuple.of(staff.getLong("id")))
            .map(rows -> {
              JsonArray stores = new JsonArray();
              rows.forEach(r -> stores.add(new JsonObject().put("id", Ids.toText(r.getLong("id")))
                  .put("name", r.getString("name")).put("role", r.getString("role"))));
              Caller caller = new Caller(Caller.Kind.STAFF, staff.getLong("id"), staff.getString("name"));
              return new JsonObject().put("token", platform.tokens().issue(caller)).put("stores", stores);
            }));
  }

  /** 404 when the store does not exist, 403 when the caller is not its staff. */
  public Future<Role> requireStaff(Caller caller, long storeId) {
    if (!caller.isStaff()) {
      return Future.failedFuture(Problem.forbidden("Only store staff may do this."));
    }
    return platform.pool()
        .preparedQuery("select s.id, m.role from stores s left join store_staff m"
            + " on m.store_id = s.id and m.staff_id = $2 where s.id = $1")
        .execute(Tuple.of(storeId, caller.id()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(Problem.notFound("Store", Ids.toText(storeId)));
          }
          String role = rows.iterator().next().getString("role");
          return role == null
              ? Future.failedFuture(Problem.forbidden("You are not staff of this store."))
              : Future.succeededFuture(Role.valueOf(role));
        });
  }

  public Future<ZoneId> zoneOf(SqlClient client, long storeId) {
    return client.preparedQuery("select timezone from stores where id = $1").execute(Tuple.of(storeId))
        .map(rows -> rows.size() == 0 ? Times.DEFAULT_ZONE : ZoneId.of(rows.iterator().next().getString(0)));
  }

  private Future<Row> findStaffByPhone(String phone) {
    return platform.pool().preparedQuery("select id, name, password_hash from staff where phone = $1")
        .execute(Tuple.of(phone))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }
}
