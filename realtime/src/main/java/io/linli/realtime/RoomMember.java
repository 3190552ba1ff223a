package io.linli.realtime;

import io.linli.core.auth.Caller;
import io.linli.core.id.Ids;
import io.linli.core.store.Role;
import io.linli.core.store.StoreLeaders;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Who is on a socket and in which role: {@code host} (the store's owner), {@code staff}, {@code leader} (a
 * community leader, 团长, of the stream's store) or {@code viewer}. The same shape names whom a moderator acts on.
 */
record RoomMember(Caller caller, String role) {
  static final String LEADER = "leader";
  /** What sets a leader's keys (mutes, bans, votes) apart from a viewer's with the same id. */
  static final String LEADER_PREFIX = LEADER + ":";

  static RoomMember viewer(Caller caller) {
    return new RoomMember(caller, "viewer");
  }

  static RoomMember leader(Caller caller) {
    return new RoomMember(caller, LEADER);
  }

  /**
   * The leader {@code leaderId} as they are in a room of {@code storeId}, by the name the record has now; null
   * when there is no such leader or they lead another store (no leader is in another store's room).
   */
  static Future<RoomMember> leaderOf(StoreLeaders leaders, long leaderId, long storeId) {
    return leaders.find(leaderId).map(leader -> leader == null || leader.storeId() != storeId ? null
        : leader(new Caller(Caller.Kind.LEADER, leader.id(), leader.name())));
  }

  static RoomMember staff(Caller caller, Role role) {
    return new RoomMember(caller, role == Role.OWNER ? "host" : "staff");
  }

  /** The host and staff run the room: they moderate, and slow mode and sampling never hold them back. */
  boolean moderator() {
    return caller.isStaff();
  }

  /** Viewers and leaders: counted in presence, held by the chat rules, may be muted and banned, may vote. */
  boolean audience() {
    return caller.isViewer() || caller.isLeader();
  }

  String id() {
    return Ids.toText(caller.id());
  }

  /**
   * Whom mutes, bans, slow mode, the chat rate and the unique-viewer count key on. A leader's id is commerce's,
   * not a viewer's: it is kept apart by its role, so no leader can ever stand for a viewer with the same id.
   */
  String person() {
    return person(role, id());
  }

  /** A viewer is their id (as always); a leader is {@code leader:<id>}. */
  static String person(Object role, String id) {
    return LEADER.equals(role) ? LEADER_PREFIX + id : id;
  }

  /** As shown to the room, e.g. in {@code chat.message.from}. */
  JsonObject toJson() {
    return new JsonObject()
        .put("id", id())
        .put("nickname", caller.name())
        .put("role", role);
  }
}
