package io.linli.realtime;

import io.linli.core.redis.Redis;
import io.vertx.core.Future;
import java.util.List;

/**
 * Whether a person may chat right now: not muted, not inside slow mode's wait (viewers and leaders; the host
 * and staff run the room), and within their token bucket ({@code chatBurst} messages, refilled over
 * {@code chatRefill}). One script decides all three in Redis, so a person who reconnects to another node
 * gets no fresh allowance.
 */
final class ChatGate {
  /** {@code refusal} is null when the message may go; otherwise muted, slow or rate, with when to try again. */
  record Verdict(String refusal, long retryAfterMs) {
    boolean allowed() {
      return refusal == null;
    }
  }

  private final Redis redis;
  private final RoomSettings settings;

  ChatGate(Redis redis, RoomSettings settings) {
    this.redis = redis;
    this.settings = settings;
  }

  Future<Verdict> admit(long streamId, RoomMember member) {
    RoomKeys keys = new RoomKeys(streamId);
    String person = member.person();
    long refillMs = settings.chatRefill().toMillis();
    return redis.<List<Object>>eval(RoomScripts.CHAT_ADMIT,
            new String[] {keys.mute(person), keys.slowMode(), keys.slowMark(person), keys.chatBucket(person)},
            Integer.toString(settings.chatBurst()),
            Long.toString(refillMs),
            member.moderator() ? "0" : "1",
            Long.toString(refillMs * 2))
        .map(result -> {
          String outcome = String.valueOf(result.get(0));
          long wait = ((Number) result.get(1)).longValue();
          return "ok".equals(outcome) ? new Verdict(null, 0) : new Verdict(outcome, wait);
        });
  }
}
