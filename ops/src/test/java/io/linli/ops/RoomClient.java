package io.linli.ops;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A viewer's phone in tests: a real WebSocket to the room that keeps every frame it receives. */
final class RoomClient implements WebSocket.Listener, AutoCloseable {
  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final WebSocket socket;

  RoomClient(int port, String streamId, String token) {
    this(port, "/ws/streams/" + streamId + "?token=" + token);
  }

  private RoomClient(int port, String pathAndQuery) {
    this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + pathAndQuery), this)
        .orTimeout(10, TimeUnit.SECONDS)
        .join();
  }

  /** A viewer's personal socket ({@code /ws/me}); {@code query} as sent, e.g. "token=...&after=12". */
  static RoomClient personal(int port, String query) {
    return new RoomClient(port, "/ws/me" + (query == null ? "" : "?" + query));
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closeCode.complete(statusCode);
    return null;
  }

  /** The close code the server sent, waiting for it. */
  int closeCode(Duration timeout) {
    return closeCode.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      frames.add(new JsonObject(partial.toString()));
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  void send(JsonObject frame) {
    socket.sendText(frame.encode(), true).join();
  }

  List<JsonObject> frames() {
    return List.copyOf(frames);
  }

  List<JsonObject> frames(String type) {
    return frames.stream().filter(f -> type.equals(f.getString("type"))).toList();
  }

  /** Waits until a frame matches; fails the test with what did arrive otherwise. */
  JsonObject await(Predicate<JsonObject> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonObject f : frames) {
        if (match.test(f)) {
          return f;
        }
      }
      OneNodeTest.sleep(20);
    }
    throw new AssertionError("no matching frame within " + timeout + "; got " + frames);
  }

  /** The last deal.progress (or snapshot) counts seen for a deal, waiting until they satisfy the check. */
  JsonObject awaitDeal(String dealId, Predicate<JsonObject> counts, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = latestDeal(dealId);
      if (last != null && counts.test(last)) {
        return last;
      }
      OneNodeTest.sleep(20);
    }
    throw new AssertionError("deal " + dealId + " never matched; last seen " + last + "; frames "
        + frames.stream().map(f -> f.getString("type") + "#" + f.getValue("seq")).toList()
        + (closeCode.isDone() ? "; closed " + closeCode.join() : ""));
  }

  /** As a client holds it: a snapshot replaces everything (a deal it does not list is gone), a state replaces it. */
  private JsonObject latestDeal(String dealId) {
    JsonObject latest = null;
    for (JsonObject f : frames) {
      if ("room.snapshot".equals(f.getString("type"))) {
        latest = snapshotDeal(f, dealId);
      } else if ("deal.progress".equals(f.getString("type")) && dealId.equals(f.getString("dealId"))) {
        latest = f;
      }
    }
    return latest;
  }

  /** The deal as this socket's first snapshot showed it, or null when it did not list it. */
  JsonObject snapshotDeal(String dealId) {
    return frames.isEmpty() ? null : snapshotDeal(frames.get(0), dealId);
  }

  private static JsonObject snapshotDeal(JsonObject snapshot, String dealId) {
    JsonArray deals = snapshot.getJsonArray("deals", new JsonArray());
    for (int i = 0; i < deals.size(); i++) {
      if (dealId.equals(deals.getJsonObject(i).getString("id"))) {
        return deals.getJsonObject(i);
      }
    }
    return null;
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null);
  }
}
