package io.linli.realtime;

import io.vertx.core.json.JsonObject;

/**
 * A server frame as it travels to sockets: its text (encoded once, written as-is to every socket) plus what the
 * delivery rules need to know about it, read once per node.
 */
record RoomFrame(long seq, Kind kind, String stateKey, long version, String epoch, String text) {

  static final String CHAT_MESSAGE = "chat.message";
  static final String SNAPSHOT = "room.snapshot";

  enum Kind {
    /** A chat message: a slow socket may lose it. */
    CHAT,
    /** A coalesced state ({@code key} + {@code version}): only the latest per key matters. */
    STATE,
    /** Anything else published: never dropped while the socket lives. */
    EVENT,
    /** A full room state: replaces everything before it. */
    SNAPSHOT
  }

  /** Reads a frame published by {@link RedisRoomEvents} (seq already spliced in). */
  static RoomFrame parse(String text) {
    JsonObject json = new JsonObject(text);
    long seq = json.getValue("seq") instanceof Number n ? n.longValue() : 0L;
    String type = json.getValue("type") instanceof String t ? t : "";
    if (CHAT_MESSAGE.equals(type)) {
      return new RoomFrame(seq, Kind.CHAT, null, 0, null, text);
    }
    if (json.getValue("key") instanceof String key && json.getValue("version") instanceof Number version) {
      return new RoomFrame(seq, Kind.STATE, key, version.longValue(), null, text);
    }
    return new RoomFrame(seq, Kind.EVENT, null, 0, null, text);
  }

  static RoomFrame snapshot(JsonObject snapshot) {
    return new RoomFrame(snapshot.getLong("seq"), Kind.SNAPSHOT, null, 0, snapshot.getString("epoch"),
        snapshot.encode());
  }
}
