package io.linli.realtime;

import io.linli.core.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * The room's moderation in PostgreSQL: bans (enforced on every join) and the log of what staff did. A viewer's
 * ban is in {@code room_bans}, a leader's in {@code room_leader_bans}: the two kinds of id are never mixed.
 */
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

  /** Whether this viewer or leader is banned from the stream. */
  Future<Boolean> isBanned(long streamId, RoomMember person) {
    return pool.preparedQuery(person.caller().isLeader()
            ? "select 1 from room_leader_bans where stream_id = $1 and leader_id = $2"
            : "select 1 from room_bans where stream_id = $1 and viewer_id = $2")
        .execute(Tuple.of(streamId, person.caller().id()))
        .map(rows -> rows.size() > 0);
  }

  /** Banning twice keeps the first ban. */
  Future<Void> ban(long streamId, RoomMember person, long byStaff, String reason) {
    return pool.preparedQuery(person.caller().isLeader()
            ? "insert into room_leader_bans(stream_id, leader_id, banned_by, reason) values ($1, $2, $3, $4)"
                + " on conflict (stream_id, leader_id) do nothing"
            : "insert into room_bans(stream_id, viewer_id, banned_by, reason) values ($1, $2, $3, $4)"
                + " on conflict (stream_id, viewer_id) do nothing")
        .execute(Tuple.of(streamId, person.caller().id(), byStaff, reason))
        .mapEmpty();
  }

  Future<Void> unban(long streamId, RoomMember person) {
    return pool.preparedQuery(person.caller().isLeader()
            ? "delete from room_leader_bans where stream_id = $1 and leader_id = $2"
            : "delete from room_bans where stream_id = $1 and viewer_id = $2")
        .execute(Tuple.of(streamId, person.caller().id()))
        .mapEmpty();
  }

  /** {@code person} (whom it was done to) may be null (a pin, slow mode). */
  Future<Void> log(long streamId, String action, long byStaff, RoomMember person, JsonObject details) {
    Long viewerId = person != null && person.caller().isViewer() ? person.caller().id() : null;
    Long leaderId = person != null && person.caller().isLeader() ? person.caller().id() : null;
    return pool.preparedQuery("insert into room_moderation(id, stream_id, action, by_staff, viewer_id, leader_id,"
            + " details) values ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(Ids.next(), streamId, action, byStaff, viewerId, leaderId, details))
        .mapEmpty();
  }
}
