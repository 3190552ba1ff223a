package io.linli.ops.bench.room;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * N real WebSockets in one room, spread over the server's nodes and over several local source addresses
 * (127.0.0.x: each has its own ephemeral ports). Each socket reads what a phone would look at: counter updates
 * ({@code "joinedBuyers":n}) and bench chat lines ({@code "text":"b|<sent nanos>"}), found by scanning the bytes
 * rather than decoding and parsing JSON, so the generator stays cheaper than the servers it measures.
 */
final class Crowd {
  private static final byte[] JOINED = "\"joinedBuyers\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LINE = "\"text\":\"b|".getBytes(StandardCharsets.US_ASCII);
  /** Longer than a marker and its number. */
  private static final int CARRY = 40;
  private static final byte[] NONE = new byte[0];

  /** One socket and what it saw. Fields are written on the socket's event loop only. */
  private final class Member {
    final WebSocket ws;
    boolean admitted;
    int lastUpdate;
    /** The unscanned end of a message's previous fragment: a marker may straddle two frames. */
    byte[] carry = NONE;

    Member(WebSocket ws) {
      this.ws = ws;
    }

    /**
     * Every frame, as bytes: decoding hundreds of megabytes a second of text into Strings would make the
     * generator, not the server, the bottleneck. Only the first frames (joining) and tiny ones are read as text.
     */
    void received(WebSocketFrame frame) {
      Buffer data = frame.binaryData();
      if (!admitted || data.length() < 8) {
        String text = data.toString(StandardCharsets.UTF_8);
        wire.control(ws, text);
        if (!admitted && wire.admits(ws, text)) {
          admitted = true;
          admittedCount.incrementAndGet();
        }
        return;
      }
      byte[] bytes = data.getBytes();
      if (carry.length > 0) {
        byte[] joined = new byte[carry.length + bytes.length];
        System.arraycopy(carry, 0, joined, 0, carry.length);
        System.arraycopy(bytes, 0, joined, carry.length, bytes.length);
        bytes = joined;
      }
      // A marker starting in the last CARRY bytes of an unfinished message is read with the next fragment.
      int scanTo = frame.isFinal() ? bytes.length : Math.max(0, bytes.length - CARRY);
      carry = frame.isFinal() ? NONE : Arrays.copyOfRange(bytes, scanTo, bytes.length);
      long now = System.nanoTime();
      int at = indexOf(bytes, JOINED, 0, scanTo);
      if (at >= 0) {
        update(parseLong(bytes, at + JOINED.length), now);
      }
      int line = indexOf(bytes, LINE, 0, scanTo);
      if (line >= 0 && frame.type() != WebSocketFrameType.CONTINUATION) {
        chatFrames.increment();
      }
      for (; line >= 0; line = indexOf(bytes, LINE, line + LINE.length, scanTo)) {
        long sent = parseLong(bytes, line + LINE.length);
        chatLatency.record(now - sent);
        chatLines.increment();
        lastLineAt.accumulateAndGet(now, Math::max);
      }
    }

    private void update(long n, long now) {
      if (n <= lastUpdate || n >= updateSentAt.length()) {
        return; // a repeat (a second frame for the same count) or not one of ours
      }
      lastUpdate = (int) n;
      long sent = updateSentAt.get((int) n);
      if (sent > 0) {
        updateLatency.record(now - sent);
        updateArrivals.incrementAndGet((int) n);
        updateLastArrival.accumulateAndGet((int) n, now, Math::max);
      }
    }
  }

  private final Vertx vertx;
  private final RoomWire wire;
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final List<Member> members = new ArrayList<>();
  private final AtomicInteger admittedCount = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();

  final Latency updateLatency = new Latency();
  final AtomicLongArray updateSentAt;
  final AtomicIntegerArray updateArrivals;
  final AtomicLongArray updateLastArrival;
  final Latency chatLatency = new Latency();
  final LongAdder chatLines = new LongAdder();
  final LongAdder chatFrames = new LongAdder();
  final AtomicLong lastLineAt = new AtomicLong();

  Crowd(Vertx vertx, RoomWire wire, List<String> sourceAddresses, int maxUpdates) {
    this.vertx = vertx;
    this.wire = wire;
    for (String address : sourceAddresses) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions()
          .setLocalAddress(address)
          .setMaxConnections(1_000_000)
          .setConnectTimeout(30_000)
          .setMaxFrameSize(1024 * 1024)
          .setMaxMessageSize(16 * 1024 * 1024)));
    }
    this.updateSentAt = new AtomicLongArray(maxUpdates + 1);
    this.updateArrivals = new AtomicIntegerArray(maxUpdates + 1);
    this.updateLastArrival = new AtomicLongArray(maxUpdates + 1);
  }

  /**
   * Opens {@code count} sockets, at most {@code inFlight} handshakes at once, socket i to {@code ports[i % n]};
   * answers once every socket is in the room (or failed). {@code tokens} gives socket i's token.
   */
  void connect(String streamId, List<Integer> ports, int count, int inFlight, IntFunction<String> tokens)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(count);
    Semaphore slots = new Semaphore(inFlight);
    for (int i = 0; i < count; i++) {
      slots.acquire();
      int port = ports.get(i % ports.size());
      WebSocketClient client = clients.get(i % clients.size());
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI(wire.path(streamId, tokens.apply(i)));
      Promise<Void> in = Promise.promise();
      // Handlers before connecting: the first frame may come with the handshake's last bytes.
      ClientWebSocket ws = client.webSocket();
      Member member = new Member(ws);
      ws.frameHandler(frame -> {
        if (frame.isClose() || frame.isPing()) {
          return;
        }
        boolean before = member.admitted;
        member.received(frame);
        if (!before && member.admitted) {
          in.tryComplete();
        }
      });
      ws.closeHandler(v -> in.tryFail("closed " + ws.closeStatusCode()));
      ws.connect(options)
          .onSuccess(x -> {
            synchronized (members) {
              members.add(member);
            }
          })
          .onFailure(in::tryFail);
      in.future().timeout(60, TimeUnit.SECONDS)
          .onFailure(e -> failed.incrementAndGet())
          .onComplete(x -> {
            slots.release();
            done.countDown();
          });
    }
    done.await();
  }

  int admitted() {
    return admittedCount.get();
  }

  int failed() {
    return failed.get();
  }

  List<WebSocket> sockets(int count) {
    synchronized (members) {
      return members.stream().limit(count).map(m -> m.ws).toList();
    }
  }

  String chatFrame(String text) {
    return wire.chat(text);
  }

  /** Closes every socket and client. */
  Future<Void> close() {
    List<Future<Void>> closed = new ArrayList<>();
    synchronized (members) {
      members.forEach(m -> closed.add(m.ws.close().otherwiseEmpty()));
    }
    return Future.join(closed).transform(x -> Future.join(clients.stream().map(c -> c.close()).toList()))
        .mapEmpty();
  }

  Vertx vertx() {
    return vertx;
  }

  private static long parseLong(byte[] bytes, int from) {
    long value = 0;
    for (int i = from; i < bytes.length; i++) {
      byte c = bytes[i];
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Where {@code marker} starts at a position in [from, to), or -1. */
  private static int indexOf(byte[] bytes, byte[] marker, int from, int to) {
    int last = Math.min(to, bytes.length - marker.length + 1);
    outer:
    for (int i = from; i < last; i++) {
      if (bytes[i] != marker[0]) {
        continue;
      }
      for (int j = 1; j < marker.length; j++) {
        if (bytes[i + j] != marker[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
