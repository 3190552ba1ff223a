package io.linli.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A phone that stops reading (a tunnel, a frozen app) must not slow the room and must not hold the server's
 * memory: it loses chat, and is cut off once its queue has been full for a while.
 */
@ExtendWith(VertxExtension.class)
class SlowClientTest {
  private static final Duration STUCK_AFTER = Duration.ofSeconds(3);

  private RoomNode node;
  private Shop shop;

  @BeforeEach
  void start(Vertx vertx) {
    // Fixed socket buffers (the kernel would otherwise grow them to megabytes) and a small receive buffer on
    // the frozen client, so that it is full after a few dozen frames. Chat is hardly batched here (1,000
    // frames a second), so the burst below is hundreds of frames: this is about the outbound queue.
    node = RoomNode.start(vertx, RoomNode.freshDatabase(),
        Map.of("LINLI_WS_MAX_QUEUED_FRAMES", "32", "LINLI_CHAT_FRAMES_PER_SECOND", "1000"),
        RoomTuning.defaults().withStuckAfter(STUCK_AFTER, Duration.ofMillis(500)),
        new HttpServerOptions().setSendBufferSize(64 * 1024));
    shop = Shop.open(node.platform);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void aClientThatNeverReadsDoesNotDelayOthersAndIsClosed() throws IOException {
    try (Phone mei = node.join(shop.stream(), shop.viewer("Mei"));
        Socket stuck = neverReading(node.port(), shop.stream(), shop.viewer("Frozen"))) {
      awaitOpenSockets(2, Duration.ofSeconds(5));

      long started = System.nanoTime();
      String text = "团".repeat(1000);
      for (int i = 1; i <= 300; i++) {
        node.realtime.events().publish(shop.streamId, "chat.message", new JsonObject()
            .put("id", "m" + i).put("from", new JsonObject().put("id", "x").put("nickname", "店长").put("role", "host"))
            .put("text", text).put("at", "2026-11-25T12:00:00Z")).await();
      }
      mei.await(f -> "m300".equals(f.getString("id")), Duration.ofSeconds(5));
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(mei.frames("chat.message")).hasSize(300);
      assertThat(took).isLessThan(STUCK_AFTER);
      assertThat(node.gauge("linli.sockets.open")).as("the frozen socket is still open").isEqualTo(2);
      assertThat(node.counter("linli.room.frames.dropped")).isPositive();

      awaitOpenSockets(1, STUCK_AFTER.plusSeconds(5));
      assertClosedByServer(stuck);
      // The room goes on for the others.
      mei.chat("还在");
      mei.await(f -> "还在".equals(f.getString("text")), Duration.ofSeconds(5));
    }
  }

  /** A raw WebSocket handshake, then nothing: the socket's receive buffer fills and the server's writes stall. */
  private static Socket neverReading(int port, String streamId, String token) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.getOutputStream().write(("GET /ws/streams/" + streamId + "?token=" + token + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    socket.setSoTimeout(5000);
    InputStream in = socket.getInputStream();
    byte[] head = new byte[12];
    int read = 0;
    while (read < head.length) {
      int n = in.read(head, read, head.length - read);
      if (n < 0) {
        throw new IOException("closed during the handshake");
      }
      read += n;
    }
    assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 101");
    return socket;
  }

  /** Reading now drains what the server had sent, then finds the connection closed (EOF or reset). */
  private static void assertClosedByServer(Socket socket) throws IOException {
    socket.setSoTimeout(5000);
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[65536];
    long total = 0;
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server never closed the connection of the frozen client; read " + total);
    } catch (SocketException e) {
      // reset: closed with data still unread, which is what cutting off a frozen client looks like
    }
  }

  private void awaitOpenSockets(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (node.gauge("linli.sockets.open") != count && System.nanoTime() < deadline) {
      Phone.sleep(20);
    }
    assertThat(node.gauge("linli.sockets.open")).isEqualTo(count);
  }
}
