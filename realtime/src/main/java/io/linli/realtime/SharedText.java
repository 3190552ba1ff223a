package io.linli.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.nio.charset.StandardCharsets;

/**
 * A frame's text, encoded to UTF-8 once per node; every socket is written a frame over those same bytes.
 *
 * <p>{@code writeTextMessage(String)} encodes the text again for each socket (10,000 sockets: 10,000 copies of
 * every frame). Vert.x 5 has no public way to write a text frame from bytes, so this builds its frame class
 * ({@code WebSocketFrameImpl}, an implementation class there since Vert.x 3) over a {@code duplicate()} of the
 * shared buffer: each write gets its own read position over the same memory, and the frame wraps it
 * unreleasable, so no socket can free it under another. Messages longer than the socket's frame limit are
 * cut into continuation frames, as {@code writeTextMessage} does. RoomSocketTest and SlowClientTest fail if a
 * Vert.x upgrade changes this.
 */
final class SharedText {
  private final String text;
  private volatile ByteBuf bytes;

  private SharedText(String text, boolean encodeNow) {
    this.text = text;
    if (encodeNow) {
      bytes();
    }
  }

  /** Encoded now: call where the frame is received, once per node, before it is handed to the event loops. */
  static SharedText of(String text) {
    return new SharedText(text, true);
  }

  /** Encoded on first write: for texts that are usually rewritten per socket first (a snapshot gets "you"). */
  static SharedText deferred(String text) {
    return new SharedText(text, false);
  }

  String text() {
    return text;
  }

  int length() {
    return bytes().readableBytes();
  }

  private ByteBuf bytes() {
    ByteBuf encoded = bytes;
    if (encoded == null) {
      synchronized (this) {
        encoded = bytes;
        if (encoded == null) {
          encoded = Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
          bytes = encoded;
        }
      }
    }
    return encoded;
  }

  /** Writes the message; the future completes when its last frame is written. */
  Future<Void> writeTo(ServerWebSocket ws, int maxFrameBytes) {
    ByteBuf bytes = bytes();
    int length = bytes.readableBytes();
    if (length <= maxFrameBytes) {
      return ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, bytes.duplicate(), true));
    }
    Future<Void> last = null;
    for (int offset = 0; offset < length; offset += maxFrameBytes) {
      int size = Math.min(maxFrameBytes, length - offset);
      WebSocketFrameType type = offset == 0 ? WebSocketFrameType.TEXT : WebSocketFrameType.CONTINUATION;
      last = ws.writeFrame(new WebSocketFrameImpl(type, bytes.slice(offset, size), offset + size == length));
    }
    return last;
  }
}
