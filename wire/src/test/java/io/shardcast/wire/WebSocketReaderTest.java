package io.shardcast.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A client's frames as a socket delivers them: whole, fragmented, split anywhere, or broken. */
class WebSocketReaderTest {

  private static final int MAX = 64;

  /** What the reader told, in order. */
  private static final class Heard implements WebSocketReader.Listener {
    final List<String> events = new ArrayList<>();
    boolean open = true;

    @Override
    public boolean reading() {
      return open;
    }

    @Override
    public void onText(String text) {
      events.add("text:" + text);
    }

    @Override
    public void onRefused(boolean binary) {
      events.add(binary ? "refused:binary" : "refused:too-large");
    }

    @Override
    public void onPing(byte[] payload, int length) {
      events.add("ping:" + new String(payload, 0, length, StandardCharsets.UTF_8));
    }

    @Override
    public void onClose(int code) {
      events.add("close:" + code);
      open = false;
    }

    @Override
    public void onProtocolError(String why) {
      events.add("error");
      open = false;
    }
  }

  /** A client's frame: masked with a fixed key. */
  private static byte[] frame(int opcode, boolean fin, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | opcode);
    int len = payload.length;
    if (len <= 125) {
      out.write(0x80 | len);
    } else if (len <= 0xFFFF) {
      out.write(0x80 | 126);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        out.write((int) ((long) len >> (8 * i)));
      }
    }
    byte[] mask = {0x37, (byte) 0xfa, 0x21, 0x3d};
    out.writeBytes(mask);
    for (int i = 0; i < len; i++) {
      out.write(payload[i] ^ mask[i & 3]);
    }
    return out.toByteArray();
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Feeds {@code bytes} in pieces of {@code piece} bytes, keeping what is left as a connection does. */
  private static List<String> feed(byte[] bytes, int piece) {
    WebSocketReader reader = new WebSocketReader(MAX);
    Heard heard = new Heard();
    byte[] scratch = new byte[MAX];
    byte[] carry = new byte[0];
    for (int at = 0; at < bytes.length && heard.open; at += piece) {
      int n = Math.min(piece, bytes.length - at);
      ByteBuffer buf = ByteBuffer.allocate(carry.length + n);
      buf.put(carry).put(bytes, at, n).flip();
      reader.read(buf, scratch, heard);
      carry = new byte[buf.remaining()];
      buf.get(carry);
    }
    return heard.events;
  }

  @Test
  void messagesArriveWholeHoweverTheSocketSplitsThem() {
    byte[] stream = concat(
        frame(WebSocket.OP_TEXT, true, text("{\"type\":\"comment\",\"text\":\"hi\"}")),
        frame(WebSocket.OP_TEXT, false, text("{\"type\":")),
        frame(WebSocket.OP_PING, true, text("p")),
        frame(WebSocket.OP_CONTINUATION, true, text("\"ping\"}")),
        frame(WebSocket.OP_BINARY, true, new byte[] {1, 2, 3}),
        frame(WebSocket.OP_TEXT, true, text("x".repeat(MAX + 1))),
        frame(WebSocket.OP_TEXT, true, text("after")),
        frame(WebSocket.OP_CLOSE, true, new byte[] {0x03, (byte) 0xE8}),
        frame(WebSocket.OP_TEXT, true, text("never read")));
    List<String> expected = List.of("text:{\"type\":\"comment\",\"text\":\"hi\"}", "ping:p", "text:{\"type\":\"ping\"}",
        "refused:binary", "refused:too-large", "text:after", "close:1000");
    for (int piece = 1; piece <= stream.length; piece++) {
      assertEquals(expected, feed(stream, piece), "delivered in pieces of " + piece + " bytes");
    }
  }

  @Test
  void aLongMessageSplitIntoFramesIsRefusedOnceItPassesTheLimit() {
    byte[] stream = concat(
        frame(WebSocket.OP_TEXT, false, text("y".repeat(40))),
        frame(WebSocket.OP_CONTINUATION, false, text("y".repeat(40))),
        frame(WebSocket.OP_CONTINUATION, true, text("y")),
        frame(WebSocket.OP_TEXT, true, text("ok")));
    assertEquals(List.of("refused:too-large", "text:ok"), feed(stream, 7));
  }

  @Test
  void protocolViolationsStopTheReading() {
    assertEquals(List.of("error"), feed(concat(new byte[] {(byte) 0x81, 0x02, 'h', 'i'}), 100), "unmasked");
    assertEquals(List.of("error"), feed(frame(WebSocket.OP_CONTINUATION, true, text("x")), 100),
        "continuation without a message");
    assertEquals(List.of("error"), feed(frame(0x3, true, text("x")), 100), "reserved opcode");
    assertEquals(List.of("error"), feed(frame(WebSocket.OP_PING, false, text("x")), 100), "fragmented control");
    assertEquals(List.of("error"), feed(concat(frame(WebSocket.OP_TEXT, false, text("a")),
        frame(WebSocket.OP_TEXT, true, text("b"))), 100), "a new message before the last one ended");
    byte[] reserved = frame(WebSocket.OP_TEXT, true, text("x"));
    reserved[0] |= 0x40;
    assertEquals(List.of("error"), feed(reserved, 100), "reserved bits");
  }
}
