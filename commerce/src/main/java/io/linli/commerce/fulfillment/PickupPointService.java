package io.linli.commerce.fulfillment;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where households collect: the store itself (made on first use), leaders' homes, lockers. A join names one
 * or gets the store's. A point's store, name, kind and capacity never change once made (there is no update),
 * so each node remembers them: a join learns whether its point limits bags without a query.
 */
public final class PickupPointService {
  /** The store's points, each with its days from $2 on that have places taken. */
  private static final String LIST = "select p.*, (select json_agg(json_build_object('date', b.day, 'taken', b.bags)"
      + " order by b.day) from pickup_point_bookings b where b.pickup_point_id = p.id and b.day >= $2"
      + " and b.bags > 0) as upcoming from pickup_points p where p.store_id = $1 order by p.id";

  private final Platform platform;
  private final StoreService stores;
  private final Map<Long, Point> known = new ConcurrentHashMap<>();
  private final Map<Long, Long> counterOfStore = new ConcurrentHashMap<>();

  /**
   * A pickup point as a join needs it. {@code dailyCapacity}: at most this many bags a day, or null for any
   * number (the store's own counter always takes every bag).
   */
  public record Point(long id, long storeId, String name, String kind, Integer dailyCapacity) {
    public boolean isCounter() {
      return "STORE".equals(kind);
    }

    public boolean limited() {
      return dailyCapacity != null && !isCounter();
    }

    static Point from(Row r) {
      return new Point(r.getLong("id"), r.getLong("store_id"), r.getString("name"), r.getString("kind"),
          r.getInteger("daily_capacity"));
    }
  }

  public PickupPointService(Platform platform, StoreService stores) {
    this.platform = platform;
    this.stores = stores;
  }

  /** {@code leaderId}: the store's leader who hosts the point (hands bags over there, compensates its claims). */
  public record NewPoint(String name, String kind, String address, String openingHours, Integer dailyCapacity,
      String leaderId) {}

  public Future<JsonObject> create(Caller caller, long storeId, NewPoint p) {
    long id = Ids.next();
    return stores.requireStaff(caller, storeId)
        .compose(role -> "STORE".equals(p.kind()) && p.dailyCapacity() != null
            ? Future.failedFuture(Problem.unprocessable("dailyCapacity",
                "the store's own counter takes every bag; give a capacity to leaders' homes and lockers"))
            : leaderOfStore(storeId, p.leaderId()))
        .compose(leader -> platform.pool()
            .preparedQuery("insert into pickup_points(id, store_id, name, kind, address, opening_hours,"
                + " daily_capacity, leader_id) values ($1, $2, $3, $4, $5, $6, $7, $8) returning *")
            .execute(Tuple.from(new Object[] {id, storeId, p.name(), p.kind(), p.address(), p.openingHours(),
                p.dailyCapacity(), leader})))
        .recover(e -> e instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(Problem.conflict("store-point-exists", "The store already has its counter",
                "A store has one STORE pickup point; add LEADER_HOME or LOCKER points."))
            : Future.failedFuture(e))
        .map(rows -> toJson(rows.iterator().next()));
  }

  private Future<Long> leaderOfStore(long storeId, String leaderId) {
    if (leaderId == null) {
      return Future.succeededFuture(null);
    }
    long id = Ids.parse(leaderId);
    Problem unknown = Problem.unprocessable("leaderId", "is not a leader of this store");
    if (id < 0) {
      return Future.failedFuture(unknown);
    }
    return platform.pool().preparedQuery("select 1 from leaders where id = $1 and store_id = $2")
        .execute(Tuple.of(id, storeId))
        .compose(rows -> rows.size() == 1 ? Future.succeededFuture(id) : Future.failedFuture(unknown));
  }

  /** The leader hosting the point, or null (the store's counter, a locker, or no such point). */
  public Future<Long> leaderOf(long pointId) {
    return platform.pool().preparedQuery("select leader_id from pickup_points where id = $1")
        .execute(Tuple.of(pointId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
  }

  /**
   * The store's points; each point with a daily capacity also shows its upcoming days (from today, in the store's
   * time zone) with the places taken and left, so the owner sees a point filling up.
   */
  public Future<JsonObject> list(Caller caller, long storeId) {
    return stores.requireStaff(caller, storeId)
        .compose(role -> counter(storeId))
        .compose(x -> stores.zoneOf(platform.pool(), storeId))
        .compose(zone -> platform.pool().preparedQuery(LIST).execute(Tuple.of(storeId,
            LocalDate.now(platform.clock().withZone(zone)))))
        .map(rows -> {
          JsonArray points = new JsonArray();
          for (Row r : rows) {
            JsonObject point = toJson(r);
            if (Point.from(r).limited()) {
              point.put("upcoming", upcoming(r.getValue("upcoming"), r.getInteger("daily_capacity")));
            }
            points.add(point);
          }
          return new JsonObject().put("pickupPoints", points);
        });
  }

  private static JsonArray upcoming(Object days, int capacity) {
    JsonArray out = new JsonArray();
    if (days instanceof JsonArray array) {
      array.forEach(d -> {
        JsonObject day = (JsonObject) d;
        int taken = day.getInteger("taken");
        out.add(new JsonObject().put("date", day.getString("date")).put("taken", taken)
            .put("left", Math.max(0, capacity - taken)));
      });
    }
    return out;
  }

  /** The point a join collects at: the one named (it must be the store's), or the store's own counter. */
  public Future<Point> resolve(long storeId, String pointId) {
    if (pointId == null) {
      return counter(storeId).compose(this::point);
    }
    long id = Ids.parse(pointId);
    Problem unknown = Problem.unprocessable("pickupPointId", "is not a pickup point of this store");
    if (id < 0) {
      return Future.failedFuture(unknown);
    }
    return point(id).compose(p -> p != null && p.storeId() == storeId ? Future.succeededFuture(p)
        : Future.failedFuture(unknown));
  }

  public Future<Long> storeOf(long pointId) {
    return point(pointId).map(p -> p == null ? null : p.storeId());
  }

  /** The point, or null when there is none. */
  public Future<Point> point(long pointId) {
    Point p = known.get(pointId);
    if (p != null) {
      return Future.succeededFuture(p);
    }
    return platform.pool().preparedQuery("select * from pickup_points where id = $1")
        .execute(Tuple.of(pointId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Point found = Point.from(rows.iterator().next());
          known.put(pointId, found);
          return found;
        });
  }

  private Future<Long> counter(long storeId) {
    Long id = counterOfStore.get(storeId);
    if (id != null) {
      return Future.succeededFuture(id);
    }
    return platform.pool()
        .preparedQuery("insert into pickup_points(id, store_id, name, kind, address) select $1, $2, name, 'STORE',"
            + " '门店自提 · at the store' from stores where id = $2 on conflict (store_id) where kind = 'STORE'"
            + " do nothing")
        .execute(Tuple.of(Ids.next(), storeId))
        .compose(x -> platform.pool()
            .preparedQuery("select * from pickup_points where store_id = $1 and kind = 'STORE'")
            .execute(Tuple.of(storeId)))
        .map(rows -> {
          Point counter = Point.from(rows.iterator().next());
          known.put(counter.id(), counter);
          counterOfStore.put(storeId, counter.id());
          return counter.id();
        });
  }

  static JsonObject toJson(Row r) {
    return new JsonObject()
        .put("id", Ids.toText(r.getLong("id")))
        .put("storeId", Ids.toText(r.getLong("store_id")))
        .put("name", r.getString("name"))
        .put("kind", r.getString("kind"))
        .put("address", r.getString("address"))
        .put("openingHours", r.getString("opening_hours"))
        .put("dailyCapacity", r.getInteger("daily_capacity"))
        .put("leaderId", r.getLong("leader_id") == null ? null : Ids.toText(r.getLong("leader_id")));
  }
}
