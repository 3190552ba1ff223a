package io.linli.ops.bench.room;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The comparison: a small socket.io 4 server on Node.js (room-bench.sh writes and starts it) doing the same
 * broadcasts. {@code POST /progress?n=} emits {@code deal.progress} with the same fields as Linli's to every
 * socket; a {@code chat.send} event is re-emitted to everyone as {@code chat.message}; {@code GET /mem} runs V8's
 * GC and answers its heap.
 */
final class SocketIoTarget implements RoomTarget {
  private final Http http;
  private final int port;
  private final long pid;

  SocketIoTarget(Http http, int port, long pid) {
    this.http = http;
    this.port = port;
    this.pid = pid;
  }

  @Override
  public String name() {
    return "socket.io 4";
  }

  @Override
  public RoomWire wire() {
    return RoomWire.SOCKET_IO;
  }

  @Override
  public List<Integer> ports() {
    return List.of(port);
  }

  @Override
  public void setUp(int sockets, int updates) {}

  @Override
  public String streamId() {
    return "";
  }

  @Override
  public String token(int socket) {
    return "";
  }

  @Override
  public Future<Void> update(int n) {
    return http.post(port, "/progress?n=" + n, null, null).mapEmpty();
  }

  @Override
  public Memory memory() throws Exception {
    JsonObject mem = http.get(port, "/mem").await().expect(200).json();
    return new Memory(mem.getLong("heapUsed"), RoomTarget.rss(List.of(pid)));
  }

  @Override
  public List<Long> pids() {
    return List.of(pid);
  }
}
