package io.linli.ops.bench.room;

import io.vertx.core.http.WebSocket;

/**
 * How one room server speaks on the wire, as far as the benchmark needs: where to connect, when a socket is in
 * the room, and how to send a chat line. Reading counter updates and chat lines is the same for both servers
 * (they send the same fields), so {@link Crowd} does it by scanning the text, without parsing JSON.
 */
interface RoomWire {
  String path(String streamId, String token);

  /** A text message arrived before the socket was in the room; true when this one puts it in (Linli: the snapshot). */
  boolean admits(WebSocket ws, String text);

  /** Every text message: answer what the protocol needs answered (socket.io's pings). Must be cheap. */
  default void control(WebSocket ws, String text) {}

  String chat(String text);

  /** Linli: JSON frames, the first one the room's snapshot. */
  RoomWire LINLI = new RoomWire() {
    @Override
    public String path(String streamId, String token) {
      return "/ws/streams/" + streamId + "?token=" + token;
    }

    @Override
    public boolean admits(WebSocket ws, String text) {
      return text.contains("\"type\":\"room.snapshot\"");
    }

    @Override
    public String chat(String text) {
      return "{\"type\":\"chat.send\",\"text\":\"" + text + "\"}";
    }
  };

  /**
   * socket.io 4 (engine.io 4) over a plain WebSocket: the server opens with {@code 0{...}}, the client joins
   * the default namespace with {@code 40} and is in once the server answers {@code 40{...}}; {@code 2} is a
   * ping to answer with {@code 3}; events are {@code 42["name",{...}]}.
   */
  RoomWire SOCKET_IO = new RoomWire() {
    @Override
    public String path(String streamId, String token) {
      return "/socket.io/?EIO=4&transport=websocket";
    }

    @Override
    public boolean admits(WebSocket ws, String text) {
      if (text.startsWith("0{")) {
        ws.writeTextMessage("40");
      }
      return text.startsWith("40");
    }

    @Override
    public void control(WebSocket ws, String text) {
      if (text.length() == 1 && text.charAt(0) == '2') {
        ws.writeTextMessage("3");
      }
    }

    @Override
    public String chat(String text) {
      return "42[\"chat.send\",{\"text\":\"" + text + "\"}]";
    }
  };
}
