package io.linli.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * A frame's text as the bytes that go on the wire: encoded to UTF-8 and framed (RFC 6455, server to client, so
 * unmasked) once per node, then written as-is to every socket ({@link Outbox}).
 *
 * <p>{@code writeTextMessage(String)} encodes the text again for each socket, and Netty's frame encoder then
 * copies it into a new buffer with the header: for 10,000 sockets, 20,000 copies of every frame. Here each
 * socket gets a {@code retainedDuplicate()} of one buffer: its own read position over the same memory. A
 * message longer than the socket's frame limit becomes a text frame and continuation frames, as
 * {@code writeTextMessage} would send it. RoomSocketTest, SlowClientTest and SharedTextTest fail if the bytes
 * are wrong.
 */
final class SharedText {
  private static final int FIN = 0x80;
  private static final int TEXT = 0x1;
  private static final int CONTINUATION = 0x0;

  private final String text;
  private volatile Wire wire;

  private record Wire(int maxFrameBytes, ByteBuf bytes) {}

  private SharedText(String text) {
    this.text = text;
  }

  /** Framed on its first write, by whichever socket's event loop comes first; every other socket shares it. */
  static SharedText of(String text) {
    return new SharedText(text);
  }

  String text() {
    return text;
  }

  /**
   * The framed bytes for sockets whose frames may carry at most {@code maxFrameBytes} of payload; the caller
   * owns the returned buffer (a retained duplicate) and hands it to the channel, which releases it.
   */
  ByteBuf wire(int maxFrameBytes) {
    Wire w = wire;
    if (w == null || w.maxFrameBytes() != maxFrameBytes) {
      synchronized (this) {
        w = wire;
        if (w == null || w.maxFrameBytes() != maxFrameBytes) {
          // Unreleasable: the buffer lives as long as this object and no socket can free it under another.
          w = new Wire(maxFrameBytes, Unpooled.unreleasableBuffer(frame(text.getBytes(StandardCharsets.UTF_8),
              maxFrameBytes)));
          wire = w;
        }
      }
    }
    return w.bytes().retainedDuplicate();
  }

  /** RFC 6455 section 5.2: FIN and opcode, then the payload length in 7, 7+16 or 7+64 bits, no mask. */
  static ByteBuf frame(byte[] payload, int maxFrameBytes) {
    int frames = Math.max(1, (payload.length + maxFrameBytes - 1) / maxFrameBytes);
    ByteBuf out = Unpooled.buffer(payload.length + frames * 10);
    int offset = 0;
    do {
      int size = Math.min(maxFrameBytes, payload.length - offset);
      boolean last = offset + size == payload.length;
      out.writeByte((last ? FIN : 0) | (offset == 0 ? TEXT : CONTINUATION));
      if (size < 126) {
        out.writeByte(size);
      } else if (size <= 0xFFFF) {
        out.writeByte(126).writeShort(size);
      } else {
        out.writeByte(127).writeLong(size);
      }
      out.writeBytes(payload, offset, size);
      offset += size;
    } while (offset < payload.length);
    return out;
  }
}
