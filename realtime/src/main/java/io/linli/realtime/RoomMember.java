package io.linli.realtime;

import io.linli.core.auth.Caller;
import io.linli.core.id.Ids;
import io.linli.core.store.Role;
import io.vertx.core.json.JsonObject;

/**
 * Who is on a socket and in which role: {@code host} (the store's owner), {@code staff}, or {@code viewer}.
 * ({@code leader}, a community leader watching as a viewer, is reserved for when commerce knows leaders.)
 */
record RoomMember(Caller caller, String role) {

  static RoomMember viewer(Caller caller) {
    return new RoomMember(caller, "viewer");
  }

  static RoomMember staff(Caller caller, Role role) {
    return new RoomMember(caller, role == Role.OWNER ? "host" : "staff");
  }

  /** The host and staff run the room: they moderate, and slow mode and sampling never hold them back. */
  boolean moderator() {
    return caller.isStaff();
  }

  String id() {
    return Ids.toText(caller.id());
  }

  /** As shown to the room, e.g. in {@code chat.message.from}. */
  JsonObject toJson() {
    return new JsonObject()
        .put("id", id())
        .put("nickname", caller.name())
        .put("role", role);
  }
}
