package io.linli.realtime;

import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A viewer's phone in tests: a real WebSocket to a room that keeps every frame it receives, in order. A
 * {@code chat.batch} is unpacked as a client would show it: {@link #frames()} lists its messages one by one;
 * {@link #received()} has the frames as they came over the wire, with their arrival times.
 */
final class Phone implements AutoCloseable {
  /** A frame as it came, and when (System.nanoTime). */
  record Received(JsonObject frame, long atNanos) {}

  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Short closeCode;
  private volatile boolean closed;

  private Phone(Vertx vertx) {
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(4 * 1024 * 1024)
        .setMaxFrameSize(1024 * 1024));
    this.ws = client.webSocket();
    // Handlers before connecting: the snapshot may arrive with the handshake's last bytes.
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      received.add(new Received(frame, System.nanoTime()));
      if ("chat.batch".equals(frame.getString("type"))) {
        frame.getJsonArray("messages").forEach(m -> frames.add((JsonObject) m));
      } else {
        frames.add(frame);
      }
    });
    ws.closeHandler(v -> {
      closeCode = ws.closeStatusCode();
      closed = true;
    });
  }

  static Phone connect(Vertx vertx, int port, String streamId, String token) {
    String uri = "/ws/streams/" + streamId + (token == null ? "" : "?token=" + token);
    return connect(vertx, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri));
  }

  /** For clients that can set headers: the token as {@code Authorization: Bearer}. */
  static Phone connectWithBearer(Vertx vertx, int port, String streamId, String token) {
    return connect(vertx, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/ws/streams/" + streamId).addHeader("Authorization", "Bearer " + token));
  }

  private static Phone connect(Vertx vertx, WebSocketConnectOptions options) {
    Phone phone = new Phone(vertx);
    phone.ws.connect(options).timeout(10, TimeUnit.SECONDS).await();
    return phone;
  }

  /** Connects and waits for the first frame (the room's snapshot). */
  static Phone join(Vertx vertx, int port, String streamId, String token) {
    Phone phone = connect(vertx, port, streamId, token);
    phone.await(f -> "room.snapshot".equals(f.getString("type")), Duration.ofSeconds(10));
    return phone;
  }

  void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode()).await();
  }

  /** Sends without waiting or caring whether the socket is still open (for floods). */
  void trySend(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  void sendText(String text) {
    ws.writeTextMessage(text).await();
  }

  void chat(String text) {
    send(new JsonObject().put("type", "chat.send").put("text", text));
  }

  List<JsonObject> frames() {
    return List.copyOf(frames);
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  List<JsonObject> frames(String type) {
    return frames.stream().filter(f -> type.equals(f.getString("type"))).toList();
  }

  JsonObject await(Predicate<JsonObject> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonObject f : frames) {
        if (match.test(f)) {
          return f;
        }
      }
      sleep(10);
    }
    throw new AssertionError("no matching frame within " + timeout + "; got " + frames);
  }

  JsonObject awaitType(String type) {
    return await(f -> type.equals(f.getString("type")), Duration.ofSeconds(5));
  }

  /** Waits for the server to close the socket; answers its close code. */
  short awaitClose(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!closed && System.nanoTime() < deadline) {
      sleep(10);
    }
    if (!closed) {
      throw new AssertionError("still open after " + timeout + "; frames " + frames);
    }
    return closeCode == null ? -1 : closeCode;
  }

  boolean isClosed() {
    return closed;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (!closed) {
      ws.close().otherwiseEmpty().await();
    }
    client.close().otherwiseEmpty().await();
  }
}
