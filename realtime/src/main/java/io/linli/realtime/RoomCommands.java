package io.linli.realtime;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** Client frames by type, each to the part of the room that handles it (ROOM-PROTOCOL.md lists them). */
final class RoomCommands {
  private final Map<String, BiConsumer<RoomSession, JsonObject>> handlers = new HashMap<>();

  RoomCommands on(String type, BiConsumer<RoomSession, JsonObject> handler) {
    handlers.put(type, handler);
    return this;
  }

  void handle(RoomSession session, Object type, JsonObject frame) {
    BiConsumer<RoomSession, JsonObject> handler = type instanceof String t ? handlers.get(t) : null;
    if (handler == null) {
      session.error("unknown-type", "Unknown frame type: " + type);
    } else {
      handler.accept(session, frame);
    }
  }
}
