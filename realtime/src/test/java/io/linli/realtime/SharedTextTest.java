package io.linli.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes written to every socket are what a browser's WebSocket (here Netty's client decoder) reads back. */
class SharedTextTest {

  @Test
  void shortMediumAndLongMessagesDecodeToTheSameText() {
    for (int length : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 200_000}) {
      String text = "团".repeat(length / 3) + "x".repeat(length % 3);
      List<WebSocketFrame> frames = decode(SharedText.of(text).wire(1 << 20));
      assertThat(frames).as("length " + length).hasSize(1);
      assertThat(frames.get(0)).isInstanceOf(TextWebSocketFrame.class);
      assertThat(frames.get(0).isFinalFragment()).isTrue();
      assertThat(((TextWebSocketFrame) frames.get(0)).text()).isEqualTo(text);
      frames.forEach(WebSocketFrame::release);
    }
  }

  @Test
  void aMessageOverTheFrameLimitIsSentAsATextFrameAndContinuations() {
    String text = "{\"type\":\"room.snapshot\",\"chat\":\"" + "小王 刚刚参团 ".repeat(500) + "\"}";
    int limit = 1000;
    List<WebSocketFrame> frames = decode(SharedText.of(text).wire(limit));
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    assertThat(frames).hasSize((bytes + limit - 1) / limit);
    assertThat(frames.get(0)).isInstanceOf(TextWebSocketFrame.class);
    assertThat(frames.subList(1, frames.size())).allMatch(f -> f instanceof ContinuationWebSocketFrame);
    assertThat(frames.subList(0, frames.size() - 1)).noneMatch(WebSocketFrame::isFinalFragment);
    assertThat(frames.get(frames.size() - 1).isFinalFragment()).isTrue();
    assertThat(frames).allMatch(f -> f.content().readableBytes() <= limit);
    ByteBuf joined = Unpooled.buffer();
    frames.forEach(f -> joined.writeBytes(f.content()));
    assertThat(joined.toString(StandardCharsets.UTF_8)).isEqualTo(text);
    frames.forEach(WebSocketFrame::release);
  }

  @Test
  void everySocketGetsItsOwnReadPositionOverTheSameBytes() {
    SharedText shared = SharedText.of("{\"type\":\"deal.progress\"}");
    ByteBuf first = shared.wire(65_536);
    ByteBuf second = shared.wire(65_536);
    first.skipBytes(first.readableBytes());
    first.release();
    assertThat(((TextWebSocketFrame) decode(second).get(0)).text()).isEqualTo("{\"type\":\"deal.progress\"}");
  }

  /** A client's decoder: server frames are unmasked, and a client refuses masked ones. */
  private static List<WebSocketFrame> decode(ByteBuf wire) {
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(
        WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false).maxFramePayloadLength(1 << 21).build()));
    client.writeInbound(wire);
    List<WebSocketFrame> frames = new ArrayList<>();
    for (Object f; (f = client.readInbound()) != null; ) {
      frames.add((WebSocketFrame) f);
    }
    client.finishAndReleaseAll();
    return frames;
  }
}
