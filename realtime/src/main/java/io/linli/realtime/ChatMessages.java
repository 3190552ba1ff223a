package io.linli.realtime;

import io.linli.core.id.Ids;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

/**
 * Turns a {@code chat.send} into a {@code chat.message}. Text is kept as the plain text it is (trimmed): the
 * server never interprets or escapes it, and clients must render it as text, never as HTML.
 */
final class ChatMessages {
  private final int maxLength;
  private final Clock clock;

  ChatMessages(int maxLength, Clock clock) {
    this.maxLength = maxLength;
    this.clock = clock;
  }

  /** Why a text cannot be sent, or null when it can. */
  String problem(Object text) {
    if (!(text instanceof String s)) {
      return "text must be a string";
    }
    String trimmed = s.strip();
    if (trimmed.isEmpty()) {
      return "text must not be blank";
    }
    if (trimmed.codePointCount(0, trimmed.length()) > maxLength) {
      return "text must be at most " + maxLength + " characters";
    }
    return null;
  }

  /** The fields of the message (call only when {@link #problem} found none). */
  JsonObject message(RoomMember from, String text) {
    return new JsonObject()
        .put("id", Ids.toText(Ids.next()))
        .put("from", from.toJson())
        .put("text", text.strip())
        .put("at", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
  }
}
