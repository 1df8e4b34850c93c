package io.shardcast.wire;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The server side of the handshake and the frames a browser reads. */
class WebSocketTest {

  @Test
  void theAcceptKeyIsTheOneOfRfc6455sExample() {
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocket.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
    String answer = new String(WebSocket.upgradeAnswer("dGhlIHNhbXBsZSBub25jZQ=="), StandardCharsets.US_ASCII);
    assertTrue(answer.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
    assertTrue(answer.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    assertTrue(answer.endsWith("\r\n\r\n"));
  }

  @Test
  void framesUseTheShortestLengthEncoding() {
    for (int len : new int[] {0, 125, 126, 65_535, 65_536, 200_000}) {
      byte[] frame = WebSocket.frame(WebSocket.OP_BINARY, new byte[len]);
      int header = frame.length - len;
      assertEquals(len <= 125 ? 2 : len <= 65_535 ? 4 : 10, header, "payload " + len);
      assertEquals((byte) 0x82, frame[0], "final binary frame");
      ByteBuffer b = ByteBuffer.wrap(frame);
      long decoded = header == 2 ? frame[1] : header == 4 ? b.getShort(2) & 0xffff : b.getLong(2);
      assertEquals(len, decoded);
      assertEquals(0, frame[1] & 0x80, "a server's frames are not masked");
    }
  }

  @Test
  void aCloseFrameCarriesItsStatusCode() {
    byte[] close = WebSocket.closeFrame(WebSocket.CLOSE_GOING_AWAY);
    assertArrayEquals(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE9}, close);
  }
}
