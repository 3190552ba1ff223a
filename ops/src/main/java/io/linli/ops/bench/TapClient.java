package io.linli.ops.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The taps of (a) and (b): HTTP/1.1 POSTs over kept-alive sockets to the node on 127.0.0.1, one request at a time
 * per socket, with as little work as the protocol allows. The generator shares the two cores with the systems it
 * measures, and Vert.x's HttpClient (pool, request and response objects, header maps, several hops per request)
 * was most of its 32 µs per request. Requests are written as bytes; an answer is its status line, its
 * Content-Length and its body ({@link RecordParser}: headers up to the blank line, then the body's length).
 *
 * <p>A request's time limit is a deadline that one sweep a tenth of a second checks for every socket, not a timer
 * per request: setting and cancelling a timer for each tap cost the generator more than reading the answer.
 *
 * <p>Not thread-safe: everything runs on the generator's one event loop, where LoadRun calls it.
 */
final class TapClient {
  /** How often unanswered taps are checked against their deadline. */
  private static final long SWEEP_MS = 100;

  /** What the node answered: status and body. */
  record Reply(int status, Buffer body) {}

  private final Vertx vertx;
  private final NetClient net;
  private final int port;
  private final String host;
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();
  private final Set<Connection> open = new HashSet<>();
  private long sweeper = -1;

  TapClient(Vertx vertx, int port) {
    this.vertx = vertx;
    this.net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(10_000));
    this.port = port;
    this.host = "127.0.0.1:" + port;
  }

  /** Fails every request past its deadline and closes its socket; runs while any socket is open. */
  private void sweep() {
    long now = System.nanoTime();
    for (Connection c : List.copyOf(open)) {
      c.expireIfLate(now);
    }
    if (open.isEmpty()) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
  }

  /**
   * POST {@code path} with a bearer token, an Idempotency-Key and a JSON body; fails once {@code timeoutMs} has passed,
   * at the first sweep after it (at most {@code SWEEP_MS} later).
   */
  Future<Reply> post(String path, String authorization, String idempotencyKey, Buffer json, long timeoutMs) {
    Buffer request = Buffer.buffer(256 + json.length())
        .appendString("POST ").appendString(path).appendString(" HTTP/1.1\r\nHost: ").appendString(host)
        .appendString("\r\nAuthorization: ").appendString(authorization)
        .appendString("\r\nIdempotency-Key: ").appendString(idempotencyKey)
        // As a phone's browser asks: the node must not spend a compressor on a join's small answer.
        .appendString("\r\nAccept-Encoding: gzip, deflate, br")
        .appendString("\r\nContent-Type: application/json\r\nContent-Length: ")
        .appendString(Integer.toString(json.length())).appendString("\r\n\r\n").appendBuffer(json);
    Connection ready = idle.poll();
    Future<Connection> connection = ready != null ? Future.succeededFuture(ready)
        : net.connect(port, "127.0.0.1").map(Connection::new);
    return connection.compose(c -> c.send(request, timeoutMs));
  }

  /** One socket: at most one request on it at a time. */
  private final class Connection {
    private final NetSocket socket;
    private final RecordParser parser;
    private Promise<Reply> answer;
    private long deadlineNanos;
    private boolean inBody;
    private boolean keepAlive;
    private int status;

    Connection(NetSocket socket) {
      this.socket = socket;
      this.parser = RecordParser.newDelimited("\r\n\r\n", this::record);
      socket.handler(parser);
      open.add(this);
      if (sweeper < 0) {
        sweeper = vertx.setPeriodic(SWEEP_MS, t -> sweep());
      }
      socket.closeHandler(v -> {
        open.remove(this);
        fail("connection closed");
      });
      socket.exceptionHandler(e -> {
        fail(e.getClass().getSimpleName());
        socket.close();
      });
    }

    Future<Reply> send(Buffer request, long timeoutMs) {
      answer = Promise.promise();
      Future<Reply> reply = answer.future();
      deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000;
      socket.write(request);
      return reply;
    }

    void expireIfLate(long now) {
      if (answer != null && now - deadlineNanos > 0) {
        fail("TimeoutException");
        socket.close();
      }
    }

    /** The head of an answer (status line and headers), then its body. */
    private void record(Buffer record) {
      if (inBody) {
        inBody = false;
        parser.delimitedMode("\r\n\r\n");
        done(record);
        return;
      }
      String head = record.toString(StandardCharsets.ISO_8859_1);
      int length = -1;
      keepAlive = true;
      status = head.length() >= 12 && head.startsWith("HTTP/1.") ? parseStatus(head) : -1;
      for (int start = 0, end; start < head.length(); start = end + 2) {
        end = head.indexOf("\r\n", start);
        if (end < 0) {
          end = head.length();
        }
        int colon = head.indexOf(':', start);
        if (colon <= start || colon > end) {
          continue;
        }
        String name = head.substring(start, colon).trim().toLowerCase(Locale.ROOT);
        String value = head.substring(colon + 1, end).trim();
        if (name.equals("content-length")) {
          length = Integer.parseInt(value);
        } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
          keepAlive = false;
        } else if (name.equals("transfer-encoding") || name.equals("content-encoding")) {
          status = -1;  // the node answers small JSON as it is, with a length; anything else is broken here
        }
      }
      if (status < 0 || length < 0) {
        fail("unreadable answer: " + head.lines().findFirst().orElse(""));
        socket.close();
      } else if (length == 0) {
        done(Buffer.buffer());
      } else {
        inBody = true;
        parser.fixedSizeMode(length);
      }
    }

    private int parseStatus(String head) {
      try {
        return Integer.parseInt(head.substring(9, 12));
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    private void done(Buffer body) {
      Promise<Reply> waiting = answer;
      answer = null;
      if (keepAlive) {
        idle.push(this);
      } else {
        socket.close();
      }
      if (waiting != null) {
        waiting.complete(new Reply(status, body));  // RecordParser hands over a copy of its bytes already
      }
    }

    private void fail(String why) {
      idle.remove(this);
      Promise<Reply> waiting = answer;
      answer = null;
      if (waiting != null) {
        waiting.fail(new IllegalStateException(why));
      }
    }
  }
}
