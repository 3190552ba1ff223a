package io.linli.realtime;

import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** The room's moderation in PostgreSQL: bans (enforced on every join) and the log of what staff did. */
final class ModerationRecords {
  private final Pool pool;

  ModerationRecords(Pool pool) {
    this.pool = pool;
  }

  /** A viewer's nickname, or null when there is no such viewer (staff cannot be muted or banned). */
  Future<String> viewerNickname(long viewerId) {
    return pool.preparedQuery("select nickname from viewers where id = $1").execute(Tuple.of(viewerId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  Future<Boolean> isBanned(long streamId, long viewerId) {
    return pool.preparedQuery("select 1 from room_bans where stream_id = $1 and viewer_id = $2")
        .execute(Tuple.of(streamId, viewerId))
        .map(rows -> rows.size() > 0);
  }

  /** Banning twice keeps the first ban. */
  Future<Void> ban(long streamId, long viewerId, long byStaff, String reason) {
    return pool.preparedQuery("insert into room_bans(stream_id, viewer_id, banned_by, reason) values ($1, $2, $3, $4)"
            + " on conflict (stream_id, viewer_id) do nothing")
        .execute(Tuple.of(streamId, viewerId, byStaff, reason))
        .mapEmpty();
  }

  Future<Void> unban(long streamId, long viewerId) {
    return pool.preparedQuery("delete from room_bans where stream_id = $1 and viewer_id = $2")
        .execute(Tuple.of(streamId, viewerId))
        .mapEmpty();
  }

  /** {@code viewerId} may be null (a pin, slow mode). */
  Future<Void> log(long streamId, String action, long byStaff, Long viewerId, JsonObject details) {
    return pool.preparedQuery("insert into room_moderation(id, stream_id, action, by_staff, viewer_id, details)"
            + " values ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(Ids.next(), streamId, action, byStaff, viewerId, details))
        .mapEmpty();
  }
}
