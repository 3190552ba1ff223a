package io.linli.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code chat.send}: checks the text (length, banned words), asks the gate (mute, slow mode, rate), then
 * publishes the {@code chat.message}. Every refusal is an {@code error} to the sender only, saying why and, when
 * waiting helps, for how long.
 */
final class RoomChat {
  private static final Logger LOG = LoggerFactory.getLogger(RoomChat.class);

  private final RedisRoomEvents events;
  private final ChatMessages messages;
  private final BannedWords banned;
  private final ChatGate gate;

  RoomChat(RedisRoomEvents events, ChatMessages messages, BannedWords banned, ChatGate gate) {
    this.events = events;
    this.messages = messages;
    this.banned = banned;
    this.gate = gate;
  }

  void send(RoomSession session, JsonObject frame) {
    Object value = frame.getValue("text");
    String problem = messages.problem(value);
    if (problem != null) {
      session.error("bad-chat", problem);
      return;
    }
    String text = ((String) value).strip();
    String word = banned.find(text);
    if (word != null) {
      session.error("banned-word", "Not sent: this room does not allow \"" + word + "\".",
          new JsonObject().put("word", word));
      return;
    }
    gate.admit(session.streamId(), session.member())
        .compose(verdict -> {
          if (!verdict.allowed()) {
            refuse(session, verdict);
            return Future.<Void>succeededFuture();
          }
          return events.publish(session.streamId(), RoomFrame.CHAT_MESSAGE, messages.message(session.member(), text));
        })
        .onFailure(e -> {
          LOG.warn("chat on stream {} not published: {}", session.streamId(), e.toString());
          session.error("unavailable", "The message was not sent; try again.");
        });
  }

  private static void refuse(RoomSession session, ChatGate.Verdict verdict) {
    long wait = verdict.retryAfterMs();
    long seconds = Math.max(1, (wait + 999) / 1000);
    JsonObject details = new JsonObject().put("retryAfterMs", wait);
    switch (verdict.refusal()) {
      case "muted" -> session.error("muted", "You are muted in this room for " + minutes(wait) + ".", details);
      case "slow" -> session.error("slow-mode", "Slow mode is on: you can send again in " + seconds + " s.", details);
      default -> session.error("rate-limited", "You are sending messages too fast; wait " + seconds + " s.", details);
    }
  }

  private static String minutes(long ms) {
    long minutes = Math.max(1, (ms + 59_999) / 60_000);
    return minutes == 1 ? "another minute" : "another " + minutes + " minutes";
  }
}
