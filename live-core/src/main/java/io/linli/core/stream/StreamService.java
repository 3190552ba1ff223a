package io.linli.core.stream;

import io.linli.core.Platform;
import io.linli.core.auth.Caller;
import io.linli.core.error.Problem;
import io.linli.core.id.Ids;
import io.linli.core.room.RoomEvents;
import io.linli.core.room.SnapshotSource;
import io.linli.core.store.StoreService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Streams of a store: schedule, go live, end. Every status change is told to the room. */
public final class StreamService implements SnapshotSource {
  private static final String ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Platform platform;
  private final StoreService stores;
  private final RoomEvents room;

  public StreamService(Platform platform, StoreService stores, RoomEvents room) {
    this.platform = platform;
    this.stores = stores;
    this.room = room;
  }

  public Future<Stream> create(Caller caller, long storeId, String title, OffsetDateTime scheduledAt) {
    long id = Ids.next();
    return stores.requireStaff(caller, storeId)
        .compose(role -> platform.pool()
            .preparedQuery("insert into streams(id, store_id, title, scheduled_at, status, share_code)"
                + " values ($1, $2, $3, $4, 'SCHEDULED', $5)")
            .execute(Tuple.of(id, storeId, title, scheduledAt, shareCode())))
        .compose(x -> get(id));
  }

  public Future<Stream> get(long streamId) {
    return platform.pool()
        .preparedQuery("select " + Stream.COLUMNS + " from streams s join stores st on st.id = s.store_id"
            + " where s.id = $1")
        .execute(Tuple.of(streamId))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(Problem.notFound("Stream", Ids.toText(streamId)))
            : Future.succeededFuture(Stream.from(rows.iterator().next())));
  }

  /** The store's streams, newest schedule first (staff of the store only). */
  public Future<List<Stream>> listForStore(Caller caller, long storeId) {
    return stores.requireStaff(caller, storeId)
        .compose(role -> platform.pool()
            .preparedQuery("select " + Stream.COLUMNS + " from streams s join stores st on st.id = s.store_id"
                + " where s.store_id = $1 order by s.scheduled_at desc limit 100")
            .execute(Tuple.of(storeId)))
        .map(rows -> {
          List<Stream> list = new ArrayList<>();
          rows.forEach(r -> list.add(Stream.from(r)));
          return list;
        });
  }

  /** Staff of the stream's store only; returns the stream so callers need not read it again. */
  public Future<Stream> requireStaff(Caller caller, long streamId) {
    return get(streamId).compose(s -> stores.requireStaff(caller, s.storeId()).map(role -> s));
  }

  public Future<Stream> start(Caller caller, long streamId) {
    return transition(caller, streamId, StreamStatus.LIVE,
        "update streams set status = 'LIVE', started_at = now() where id = $1 and status = 'SCHEDULED'");
  }

  public Future<Stream> end(Caller caller, long streamId) {
    return transition(caller, streamId, StreamStatus.ENDED,
        "update streams set status = 'ENDED', ended_at = now() where id = $1 and status in ('SCHEDULED', 'LIVE')");
  }

  /** Moving to the status it already has is a no-op that answers 200 (a retried tap); going back is 409. */
  private Future<Stream> transition(Caller caller, long streamId, StreamStatus target, String sql) {
    return requireStaff(caller, streamId).compose(before -> {
      if (before.status() == target) {
        return Future.succeededFuture(before);
      }
      return platform.pool().preparedQuery(sql).execute(Tuple.of(streamId)).compose(res -> {
        if (res.rowCount() == 0) {
          return get(streamId).compose(now -> now.status() == target ? Future.succeededFuture(now)
              : Future.failedFuture(Problem.conflict("stream-status", "Stream status does not allow this",
                  "The stream is " + now.status() + " and cannot become " + target + ".")));
        }
        return get(streamId).compose(after -> room
            .publish(streamId, "stream.status", new JsonObject().put("stream", after.toJson()))
            .map(after));
      });
    });
  }

  @Override
  public Future<JsonObject> snapshot(long streamId) {
    return get(streamId).map(s -> new JsonObject().put("stream", s.toJson()));
  }

  private static String shareCode() {
    StringBuilder code = new StringBuilder(10);
    for (int i = 0; i < 10; i++) {
      code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return code.toString();
  }
}
