package io.linli.realtime;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's socket in a room. Everything here runs on the socket's event loop: the hub hands frames over
 * there, and Vert.x calls the socket's handlers there.
 *
 * <p>While the member joins, resumes or re-syncs, live frames are held and released after the snapshot or the
 * replay, minus what that already covered (by seq). Otherwise a frame is sent when its seq is new and, for a
 * state, when its version is newer than the last one this socket got for that key, in a frame or in a
 * snapshot (whose parts may be newer than frames that follow it). A snapshot is never sent after a newer frame
 * (it would set the client back): an outdated one is replaced by a fresh one.
 */
final class RoomSession implements RoomHub.Member, PersonalNotices.Sink {
  private static final Logger LOG = LoggerFactory.getLogger(RoomSession.class);

  private enum State { JOINING, OPEN, HOLDING, CLOSED }

  private final Rooms rooms;
  private final ServerWebSocket ws;
  private final HttpConnection connection;
  private final Context context;
  private final long streamId;
  private final long storeId;
  private final RoomMember member;
  private final String you;
  private final Outbox outbox;
  private final TokenBucket rate;
  private final int maxFrameBytes;
  private final int maxHeld;
  private final Map<String, Long> versions = new HashMap<>();
  /** A viewer's own order notices come on their room sockets too; ids sent, so each comes once. */
  private final SentNotices notices = new SentNotices();
  private final List<RoomFrame> held = new ArrayList<>();
  private boolean heldOverflowed;
  private State state = State.JOINING;
  /** The newest seq this socket was sent (a batch counts as the seq of its newest message). */
  private long lastSeq = -1;
  private String epoch;
  private boolean left;
  private boolean counted;

  RoomSession(Rooms rooms, ServerWebSocket ws, HttpConnection connection, Context context, long streamId,
      long storeId, RoomMember member, Outbox.Factory outboxes, RoomTuning tuning, int maxFrameBytes) {
    this.rooms = rooms;
    this.ws = ws;
    this.connection = connection;
    this.context = context;
    this.streamId = streamId;
    this.storeId = storeId;
    this.member = member;
    this.you = member.toJson().encode();
    this.outbox = outboxes.create(ws, connection, () -> close(CloseCodes.TOO_SLOW, "too slow: outbound queue stayed full"));
    this.rate = new TokenBucket(tuning.inboundPerSecond(), tuning.inboundBurst());
    this.maxFrameBytes = maxFrameBytes;
    this.maxHeld = tuning.heldFrames();
  }

  @Override
  public long streamId() {
    return streamId;
  }

  @Override
  public Context context() {
    return context;
  }

  /** The stream's store (whose leaders may be in this room). */
  long storeId() {
    return storeId;
  }

  RoomMember member() {
    return member;
  }

  @Override
  public long viewerId() {
    return member.caller().id();
  }

  /**
   * The viewer's own notice: for this socket only, so no seq (the room's numbering stays the room's); never
   * dropped while the socket lives, like any event.
   */
  @Override
  public void notice(long eventId, SharedText text) {
    if (state != State.CLOSED && notices.first(eventId)) {
      outbox.send(RoomFrame.Kind.EVENT, null, text);
    }
  }

  /** Notices may have been missed; the room socket does not replay them (the personal socket and HTTP do). */
  @Override
  public void gap() {
    tell(new JsonObject().put("type", "notices.gap"));
  }

  /** This socket is in the room's viewer count (so leaving takes it out again). */
  void counted() {
    counted = true;
  }

  boolean isCounted() {
    return counted;
  }

  boolean isClosed() {
    return state == State.CLOSED;
  }

  /** Wires the socket's handlers; client frames stay paused until the member has its snapshot. */
  void listen() {
    ws.textMessageHandler(this::received);
    ws.binaryMessageHandler(b -> {
      if (admitted()) {
        error("unsupported", "Frames are JSON text.");
      }
    });
    ws.exceptionHandler(this::failed);
    ws.closeHandler(v -> leave());
  }

  /** Frames handed over together leave in one write. */
  @Override
  public void deliver(List<RoomFrame> frames) {
    outbox.batch(() -> frames.forEach(this::deliver));
  }

  /** The joining member's first frame; what arrived meanwhile follows. */
  void joined(RoomFrame snapshot) {
    if (state != State.JOINING) {
      return;
    }
    release(snapshot);
    ws.resume();
  }

  @Override
  public void deliver(RoomFrame frame) {
    if (frame.bans(member)) {
      close(CloseCodes.BANNED, "banned from this stream");
      return;
    }
    switch (state) {
      case OPEN, HOLDING -> {
        if (frame.kind() == RoomFrame.Kind.SNAPSHOT) {
          release(frame); // whatever was being waited for, a whole new state ends the wait
        } else if (state == State.OPEN) {
          accept(frame);
        } else {
          hold(frame);
        }
      }
      case JOINING -> hold(frame);
      case CLOSED -> { }
    }
  }

  /** A re-sync snapshot is on its way: frames from now on wait for it. */
  void holdForSnapshot() {
    if (state == State.OPEN) {
      state = State.HOLDING;
    }
  }

  void close(short code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    outbox.close();
    ws.close(code, reason);
    // A client that reads nothing never gets the close frame (it waits behind unsent data), so the
    // close handshake could hang forever: cut the connection if it has not finished by then.
    rooms.vertx().setTimer(rooms.tuning().closeGrace().toMillis(), id -> {
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
      rooms.left(this);
    }
  }

  /** Counts a client frame against the rate limit; false when the socket is (now) closed. */
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
    Object type = frame.getValue("type");
    if ("resume".equals(type)) {
      resume(frame);
    } else {
      rooms.commands().handle(this, type, frame);
    }
  }

  private void resume(JsonObject frame) {
    Object afterSeq = frame.getValue("afterSeq");
    Object clientEpoch = frame.getValue("epoch");
    if (!(afterSeq instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()
        || (clientEpoch != null && !(clientEpoch instanceof String))) {
      error("bad-resume", "resume needs afterSeq (a whole number >= 0) and optionally epoch (a string).");
      return;
    }
    if (state != State.OPEN) {
      error("busy", "The room is still catching this socket up; try again in a moment.");
      return;
    }
    state = State.HOLDING;
    rooms.history().after(streamId, n.longValue(), (String) clientEpoch)
        .compose(missed -> missed.gap()
            ? rooms.snapshots().take(streamId).onSuccess(this::release).mapEmpty()
            : replay(missed))
        .onFailure(e -> {
          LOG.warn("resume failed on stream {}: {}", streamId, e.toString());
          close(CloseCodes.SERVER_ERROR, "try again");
        });
  }

  /** The missed frames in seq order, including any this socket already had since (clients skip known seqs). */
  private Future<Void> replay(RoomHistory.Missed missed) {
    if (state != State.HOLDING) {
      return Future.succeededFuture();
    }
    for (RoomFrame frame : missed.frames()) {
      send(frame);
    }
    lastSeq = Math.max(lastSeq, missed.seq());
    release(null);
    return Future.succeededFuture();
  }

  /**
   * Ends holding: the newest snapshot (given or held) first, then the held frames it does not cover. Live
   * frames arrive in seq order and a snapshot covers every seq up to its own, so that is the room's order.
   */
  private void release(RoomFrame snapshot) {
    if (state == State.CLOSED) {
      return;
    }
    RoomFrame newest = snapshot;
    for (RoomFrame frame : held) {
      if (frame.kind() == RoomFrame.Kind.SNAPSHOT && (newest == null || frame.seq() >= newest.seq())) {
        newest = frame;
      }
    }
    if (heldOverflowed || (newest != null && newest.seq() < lastSeq)) {
      // Too much arrived meanwhile to replay it, or the snapshot is older than frames already sent:
      // a snapshot read now covers all of that.
      if (heldOverflowed) {
        heldOverflowed = false;
        held.clear();
      }
      state = State.HOLDING;
      rooms.snapshots().take(streamId)
          .onSuccess(this::release)
          .onFailure(e -> close(CloseCodes.SERVER_ERROR, "try again"));
      return;
    }
    state = State.OPEN;
    if (newest != null) {
      accept(newest);
    }
    List<RoomFrame> waiting = held.stream().filter(f -> f.kind() != RoomFrame.Kind.SNAPSHOT).toList();
    held.clear();
    waiting.forEach(this::accept);
  }

  private void hold(RoomFrame frame) {
    if (heldOverflowed) {
      return;
    }
    if (held.size() >= maxHeld) {
      heldOverflowed = true;
      held.clear();
      return;
    }
    held.add(frame);
  }

  private void accept(RoomFrame frame) {
    if (frame.kind() == RoomFrame.Kind.SNAPSHOT) {
      if (epoch != null && !epoch.equals(frame.epoch())) {
        versions.clear(); // a new lineage restarted its counters: old versions mean nothing now
      }
      epoch = frame.epoch();
      lastSeq = frame.seq();
      // Its parts were read after its seq: frames that follow may be older than what it shows.
      frame.versions().forEach((key, version) -> versions.merge(key, version, Math::max));
      outbox.send(RoomFrame.Kind.SNAPSHOT, null, SharedText.of(withYou(frame.text())));
      return;
    }
    if (frame.seq() <= lastSeq) {
      return; // already covered by a snapshot or a replay
    }
    lastSeq = frame.seq();
    send(frame);
  }

  private void send(RoomFrame frame) {
    if (frame.kind() == RoomFrame.Kind.STATE) {
      Long seen = versions.get(frame.stateKey());
      if (seen != null && frame.version() <= seen) {
        rooms.metrics().dropped("stale");
        return;
      }
      versions.put(frame.stateKey(), frame.version());
    }
    outbox.send(frame.kind(), frame.stateKey(), frame.wire());
  }

  /** The snapshot is shared by every socket of the stream; who this socket is goes on the end of it. */
  private String withYou(String snapshot) {
    return snapshot.substring(0, snapshot.length() - 1) + ",\"you\":" + you + "}";
  }

  /** An error for this socket only: not a room frame, so no seq. */
  void error(String code, String message) {
    error(code, message, new JsonObject());
  }

  /** An error with more for the client to act on (e.g. {@code retryAfterMs}). */
  void error(String code, String message, JsonObject details) {
    tell(details.copy().put("type", "error").put("code", code).put("message", message));
  }

  /** A frame for this socket only (an error, an acknowledgement): not a room frame, so no seq. */
  void tell(JsonObject frame) {
    if (state == State.CLOSED) {
      return;
    }
    outbox.send(RoomFrame.Kind.EVENT, null, SharedText.of(frame.encode()));
  }

  private void failed(Throwable e) {
    // A frame over the server's limit fails Netty's decoder, a message over it (split into several frames)
    // fails Vert.x's aggregator; both end up here, and the client deserves to know why.
    boolean tooBig = e instanceof CorruptedWebSocketFrameException corrupted
        && corrupted.closeStatus() != null
        && corrupted.closeStatus().code() == CloseCodes.TOO_BIG;
    if (tooBig || String.valueOf(e.getMessage()).contains("max message size")) {
      close(CloseCodes.TOO_BIG, "frame too big");
    } else {
      LOG.debug("room socket error on stream {}: {}", streamId, e.toString());
    }
  }
}
