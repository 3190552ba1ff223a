package io.linli.realtime;

import io.linli.core.auth.Caller;
import io.linli.core.id.Ids;
import io.linli.core.viewer.ViewerNotices;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Context;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One viewer's personal socket ({@code /ws/me}): their own notices, nothing of anyone else's. Everything here
 * runs on the socket's event loop. While it catches up from the record (on connect with {@code after}, on a
 * {@code resume}, after the node lost its LISTEN) live notices wait and follow the replay; ids already sent are
 * skipped, so a notice reaches the socket once.
 */
final class PersonalSession implements PersonalNotices.Sink {
  private static final Logger LOG = LoggerFactory.getLogger(PersonalSession.class);
  /** Live notices held during a catch-up before it gives up holding and reads the record again. */
  private static final int MAX_HELD = 256;

  private enum State { CATCHING_UP, OPEN, CLOSED }

  private record Held(long eventId, SharedText text) {}

  private final PersonalChannel channel;
  private final ServerWebSocket ws;
  private final HttpConnection connection;
  private final Context context;
  private final Caller viewer;
  private final Outbox outbox;
  private final TokenBucket rate;
  private final int maxFrameBytes;
  private final SentNotices sent = new SentNotices();
  private final List<Held> held = new ArrayList<>();
  private boolean heldOverflowed;
  private State state = State.OPEN;
  private boolean left;

  PersonalSession(PersonalChannel channel, ServerWebSocket ws, HttpConnection connection, Context context,
      Caller viewer, Outbox.Factory outboxes, RoomTuning tuning, int maxFrameBytes) {
    this.channel = channel;
    this.ws = ws;
    this.connection = connection;
    this.context = context;
    this.viewer = viewer;
    this.outbox = outboxes.create(ws, connection, () -> close(CloseCodes.TOO_SLOW, "too slow: outbound queue stayed full"));
    this.rate = new TokenBucket(tuning.inboundPerSecond(), tuning.inboundBurst());
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public long viewerId() {
    return viewer.id();
  }

  @Override
  public Context context() {
    return context;
  }

  /** Admitted and listening: says who it is for, replays from {@code after} if given, then live notices. */
  void start(Long after) {
    ws.textMessageHandler(this::received);
    ws.binaryMessageHandler(b -> {
      if (admitted()) {
        error("unsupported", "Frames are JSON text.");
      }
    });
    ws.exceptionHandler(this::failed);
    ws.closeHandler(v -> leave());
    tell(new JsonObject().put("type", "me.ready").put("you", new JsonObject()
        .put("id", Ids.toText(viewer.id())).put("nickname", viewer.name())));
    if (after != null) {
      catchUp(after);
    }
    ws.resume();
  }

  @Override
  public void notice(long eventId, SharedText text) {
    switch (state) {
      case OPEN -> send(eventId, text);
      case CATCHING_UP -> {
        if (held.size() >= MAX_HELD) {
          heldOverflowed = true;
          held.clear();
        } else if (!heldOverflowed) {
          held.add(new Held(eventId, text));
        }
      }
      case CLOSED -> { }
    }
  }

  /** Rings may have been lost: read the record from the newest notice this socket was sent. */
  @Override
  public void gap() {
    if (state == State.OPEN) {
      if (sent.newest() > 0) {
        catchUp(sent.newest());
      } else {
        tell(new JsonObject().put("type", "notices.gap"));
      }
    }
  }

  boolean isClosed() {
    return state == State.CLOSED;
  }

  private void catchUp(long after) {
    state = State.CATCHING_UP;
    channel.notices().source().after(viewer.id(), after, ViewerNotices.MAX_READ + 1).onComplete(ar -> {
      if (state == State.CLOSED) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("notices of viewer {} could not be replayed: {}", viewer.id(), ar.cause().toString());
        close(CloseCodes.SERVER_ERROR, "try again");
        return;
      }
      List<JsonObject> missed = ar.result();
      int shown = Math.min(missed.size(), ViewerNotices.MAX_READ);
      for (JsonObject notice : missed.subList(0, shown)) {
        send(PersonalNotices.eventId(notice), SharedText.of(notice.encode()));
      }
      tell(new JsonObject().put("type", "notices.replayed").put("after", after).put("count", shown)
          .put("truncated", missed.size() > shown));
      state = State.OPEN;
      List<Held> waiting = List.copyOf(held);
      held.clear();
      if (heldOverflowed) {
        heldOverflowed = false;
        catchUp(Math.max(after, sent.newest()));
        return;
      }
      waiting.forEach(h -> send(h.eventId(), h.text()));
    });
  }

  private void send(long eventId, SharedText text) {
    if (sent.first(eventId)) {
      outbox.send(RoomFrame.Kind.EVENT, null, text);
    }
  }

  private void received(String text) {
    if (!admitted()) {
      return;
    }
    if (text.length() > maxFrameBytes || text.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes) {
      close(CloseCodes.TOO_BIG, "frame too big");
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      error("bad-json", "A frame must be a JSON object.");
      return;
    }
    if (!"resume".equals(frame.getValue("type"))) {
      error("unknown-type", "The personal channel takes only resume.");
      return;
    }
    Object after = frame.getValue("after");
    if (!(after instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
      error("bad-resume", "resume needs after (the last eventId you have, a whole number >= 0).");
    } else if (state != State.OPEN) {
      error("busy", "Still catching this socket up; try again in a moment.");
    } else {
      catchUp(n.longValue());
    }
  }

  private boolean admitted() {
    if (state == State.CLOSED) {
      return false;
    }
    if (!rate.tryTake()) {
      close(CloseCodes.TOO_MANY_FRAMES, "too many frames");
      return false;
    }
    return true;
  }

  private void error(String code, String message) {
    tell(new JsonObject().put("type", "error").put("code", code).put("message", message));
  }

  private void tell(JsonObject frame) {
    if (state != State.CLOSED) {
      outbox.send(RoomFrame.Kind.EVENT, null, SharedText.of(frame.encode()));
    }
  }

  void close(short code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    outbox.close();
    ws.close(code, reason);
    channel.vertx().setTimer(channel.tuning().closeGrace().toMillis(), id -> {
      if (!ws.isClosed()) {
        ConnectionCutter.cut(connection);
      }
    });
    leave();
  }

  private void leave() {
    state = State.CLOSED;
    if (!left) {
      left = true;
      outbox.close();
      channel.left(this);
    }
  }

  private void failed(Throwable e) {
    boolean tooBig = e instanceof CorruptedWebSocketFrameException corrupted
        && corrupted.closeStatus() != null
        && corrupted.closeStatus().code() == CloseCodes.TOO_BIG;
    if (tooBig || String.valueOf(e.getMessage()).contains("max message size")) {
      close(CloseCodes.TOO_BIG, "frame too big");
    } else {
      LOG.debug("personal socket error: {}", e.toString());
    }
  }
}
