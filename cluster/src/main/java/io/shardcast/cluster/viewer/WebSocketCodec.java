package io.shardcast.cluster.viewer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The server side of RFC 6455 that viewers need: the upgrade answer and unmasked server frames. */
final class WebSocketCodec {

  static final int OP_CONTINUATION = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  static final int CLOSE_NORMAL = 1000;
  static final int CLOSE_GOING_AWAY = 1001;
  static final int CLOSE_PROTOCOL_ERROR = 1002;

  /** Control frames carry at most this many payload bytes (RFC 6455, 5.5). */
  static final int MAX_CONTROL_PAYLOAD = 125;

  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private WebSocketCodec() {}

  /** The {@code Sec-WebSocket-Accept} value for a client's key. */
  static String acceptKey(String clientKey) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((clientKey.trim() + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }

  /** One complete, unfragmented text frame: made once per event or batch and shared by every viewer. */
  static byte[] textFrame(String text) {
    return frame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A close frame with a status code. */
  static byte[] closeFrame(int code) {
    return frame(OP_CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
  }

  /** A final, unmasked frame with {@code payload}. */
  static byte[] frame(int opcode, byte[] payload) {
    int len = payload.length;
    int header = len <= 125 ? 2 : len <= 0xFFFF ? 4 : 10;
    byte[] out = new byte[header + len];
    out[0] = (byte) (0x80 | opcode);
    if (header == 2) {
      out[1] = (byte) len;
    } else if (header == 4) {
      out[1] = 126;
      out[2] = (byte) (len >> 8);
      out[3] = (byte) len;
    } else {
      out[1] = 127;
      for (int i = 0; i < 8; i++) {
        out[2 + i] = (byte) ((long) len >> (56 - 8 * i));
      }
    }
    System.arraycopy(payload, 0, out, header, len);
    return out;
  }
}
