package io.linli.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator's HTTP client against a real socket that answers as the test says: a miscounted answer or
 * a tap that never gives up would make the benchmark's table wrong, not merely slow.
 */
class TapClientTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context loop = vertx.getOrCreateContext();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void readsStatusAndBodyAndKeepsTheSocketForTheNextTap() throws Exception {
    AtomicInteger sockets = new AtomicInteger();
    int port = serve(request -> "HTTP/1.1 201 Created\r\nX-Request-Id: abc\r\ncontent-length: 11\r\n"
        + "Content-Type: application/json\r\n\r\n{\"ok\":true}", sockets);
    TapClient taps = new TapClient(vertx, port);

    TapClient.Reply first = post(taps, 2_000);
    TapClient.Reply second = post(taps, 2_000);

    assertThat(first.status()).isEqualTo(201);
    assertThat(first.body().toString()).isEqualTo("{\"ok\":true}");
    assertThat(second.status()).isEqualTo(201);
    assertThat(sockets).hasValue(1);
  }

  @Test
  void aTapThatIsNeverAnsweredFailsSoonAfterItsDeadline() {
    int port = serve(request -> null, new AtomicInteger());
    TapClient taps = new TapClient(vertx, port);

    long started = System.nanoTime();
    Throwable failure = failure(taps, 300);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(failure).hasMessageContaining("TimeoutException");
    assertThat(tookMs).isBetween(300L, 1_500L);
  }

  @Test
  void anEncodedAnswerIsRefusedRatherThanMiscounted() {
    int port = serve(request -> "HTTP/1.1 201 Created\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nxyz",
        new AtomicInteger());
    TapClient taps = new TapClient(vertx, port);

    assertThat(failure(taps, 2_000)).hasMessageContaining("unreadable answer: HTTP/1.1 201 Created");
  }

  /** A server that answers each request (read up to its blank line) with {@code answer}, or never when null. */
  private int serve(Function<String, String> answer, AtomicInteger sockets) {
    NetServer server = vertx.createNetServer().connectHandler(socket -> {
      sockets.incrementAndGet();
      StringBuilder seen = new StringBuilder();
      socket.handler(bytes -> {
        seen.append(bytes.toString());
        int end;
        while ((end = seen.indexOf("\r\n\r\n")) >= 0) {
          String request = seen.substring(0, end);
          seen.delete(0, end + 4 + contentLength(request));
          String reply = answer.apply(request);
          if (reply != null) {
            socket.write(reply);
          }
        }
      });
    });
    return server.listen(0, "127.0.0.1").await().actualPort();
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    return 0;
  }

  private TapClient.Reply post(TapClient taps, long timeoutMs) throws Exception {
    return onLoop(taps, timeoutMs).get(5, TimeUnit.SECONDS);
  }

  private Throwable failure(TapClient taps, long timeoutMs) {
    try {
      onLoop(taps, timeoutMs).get(5, TimeUnit.SECONDS);
      throw new AssertionError("the tap succeeded");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** TapClient runs on one event loop, as LoadRun drives it. */
  private CompletableFuture<TapClient.Reply> onLoop(TapClient taps, long timeoutMs) {
    CompletableFuture<TapClient.Reply> result = new CompletableFuture<>();
    loop.runOnContext(v -> taps.post("/api/deals/1/join", "Bearer t", "k1", Buffer.buffer("{\"quantity\":1}"),
            timeoutMs)
        .onSuccess(result::complete).onFailure(result::completeExceptionally));
    return result;
  }
}
