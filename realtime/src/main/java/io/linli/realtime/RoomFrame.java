package io.linli.realtime;

import io.linli.core.room.SnapshotSource;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A server frame as it travels to sockets: its text, encoded once per node ({@link SharedText}) and written as-is
 * to every socket, plus what the delivery rules need to know about it, read once per node.
 *
 * @param type the frame's {@code type}
 * @param sampled a chat-like frame a crowded room may leave out (never a host's or staff member's message)
 * @param subject what the frame is about, when delivery needs it: the message id of a {@code chat.message}
 *     or {@code chat.deleted}, the person ({@link RoomMember#person}) a {@code chat.banned} names
 * @param versions for a snapshot: the version of each state it shows, by key (empty for any other frame)
 */
record RoomFrame(long seq, Kind kind, String type, String stateKey, long version, String epoch, boolean sampled,
    String subject, SharedText wire, Map<String, Long> versions) {

  static final String CHAT_MESSAGE = "chat.message";
  static final String CHAT_SYSTEM = "chat.system";
  static final String CHAT_BATCH = "chat.batch";
  static final String CHAT_DELETED = "chat.deleted";
  static final String CHAT_BANNED = "chat.banned";
  static final String PRESENCE_JOIN = "presence.join";
  static final String PRESENCE_LEAVE = "presence.leave";
  static final String SNAPSHOT = "room.snapshot";

  /** Frames that are chatter: batched, sampled in crowded rooms, and the first a slow socket loses. */
  static final Set<String> CHATTER = Set.of(CHAT_MESSAGE, CHAT_SYSTEM, PRESENCE_JOIN, PRESENCE_LEAVE);
  /** Roles whose messages are never sampled away. */
  private static final Set<String> NEVER_SAMPLED = Set.of("host", "staff");

  enum Kind {
    /** Chatter (a message, a system line, a join): batched, sampled, and a slow socket may lose it. */
    CHAT,
    /** A coalesced state ({@code key} + {@code version}): only the latest per key matters. */
    STATE,
    /** Anything else published (deal.formed, moderation, ...): never dropped or sampled while the socket lives. */
    EVENT,
    /** A full room state: replaces everything before it. */
    SNAPSHOT
  }

  String text() {
    return wire.text();
  }

  /** True when this frame removes the given viewer or leader from the room ({@code chat.banned} naming them). */
  boolean bans(RoomMember member) {
    return CHAT_BANNED.equals(type) && member.audience() && member.person().equals(subject);
  }

  /** Reads a frame published by {@link RedisRoomEvents} (seq already spliced in). */
  static RoomFrame parse(String text) {
    JsonObject json = new JsonObject(text);
    long seq = json.getValue("seq") instanceof Number n ? n.longValue() : 0L;
    String type = json.getValue("type") instanceof String t ? t : "";
    SharedText wire = SharedText.of(text);
    if (CHATTER.contains(type)) {
      JsonObject from = json.getValue("from") instanceof JsonObject f ? f : null;
      boolean sampled = from == null || !NEVER_SAMPLED.contains(from.getValue("role"));
      return new RoomFrame(seq, Kind.CHAT, type, null, 0, null, sampled, json.getString("id"), wire, Map.of());
    }
    if (json.getValue("key") instanceof String key && json.getValue("version") instanceof Number version) {
      return new RoomFrame(seq, Kind.STATE, type, key, version.longValue(), null, false, null, wire, Map.of());
    }
    String subject = switch (type) {
      case CHAT_DELETED -> json.getString("id");
      case CHAT_BANNED -> {
        JsonObject user = json.getJsonObject("user", new JsonObject());
        yield RoomMember.person(user.getValue("role"), user.getString("id"));
      }
      default -> null;
    };
    return new RoomFrame(seq, Kind.EVENT, type, null, 0, null, false, subject, wire, Map.of());
  }

  /**
   * Several chatter frames as one {@code chat.batch}: their texts spliced in unchanged (no re-encoding), the seq
   * of the newest one on the outside.
   */
  static RoomFrame batch(List<RoomFrame> frames) {
    long seq = frames.get(frames.size() - 1).seq();
    StringBuilder text = new StringBuilder(frames.stream().mapToInt(f -> f.wire.text().length() + 1).sum() + 64)
        .append("{\"type\":\"").append(CHAT_BATCH).append("\",\"seq\":").append(seq).append(",\"messages\":[");
    for (int i = 0; i < frames.size(); i++) {
      text.append(i == 0 ? "" : ",").append(frames.get(i).text());
    }
    text.append("]}");
    return new RoomFrame(seq, Kind.CHAT, CHAT_BATCH, null, 0, null, false, null, SharedText.of(text.toString()),
        Map.of());
  }

  /** A built snapshot; its {@code versions} (key to version of each state it shows) are read once, here. */
  static RoomFrame snapshot(JsonObject snapshot) {
    Map<String, Long> versions = new HashMap<>();
    if (snapshot.getValue(SnapshotSource.VERSIONS) instanceof JsonObject shown) {
      shown.forEach(e -> {
        if (e.getValue() instanceof Number n) {
          versions.put(e.getKey(), n.longValue());
        }
      });
    }
    return new RoomFrame(snapshot.getLong("seq"), Kind.SNAPSHOT, SNAPSHOT, null, 0, snapshot.getString("epoch"),
        false, null, SharedText.of(snapshot.encode()), Map.copyOf(versions));
  }
}
