package io.linli.realtime;

import io.linli.core.auth.Caller;
import io.linli.core.id.Ids;
import io.linli.core.store.Role;
import io.vertx.core.json.JsonObject;

/** Who is on a socket and in which role: {@code host} (the store's owner), {@code staff}, or {@code viewer}. */
record RoomMember(Caller caller, String role) {

  static RoomMember viewer(Caller caller) {
    return new RoomMember(caller, "viewer");
  }

  static RoomMember staff(Caller caller, Role role) {
    return new RoomMember(caller, role == Role.OWNER ? "host" : "staff");
  }

  /** As shown to the room, e.g. in {@code chat.message.from}. */
  JsonObject toJson() {
    return new JsonObject()
        .put("id", Ids.toText(caller.id()))
        .put("nickname", caller.name())
        .put("role", role);
  }
}
