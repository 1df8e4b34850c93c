package io.shardcast.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The server side of RFC 6455: the upgrade and its answer, and unmasked server frames. */
public final class WebSocket {

  public static final int OP_CONTINUATION = 0x0;
  public static final int OP_TEXT = 0x1;
  public static final int OP_BINARY = 0x2;
  public static final int OP_CLOSE = 0x8;
  public static final int OP_PING = 0x9;
  public static final int OP_PONG = 0xA;

  public static final int CLOSE_NORMAL = 1000;
  public static final int CLOSE_GOING_AWAY = 1001;
  public static final int CLOSE_PROTOCOL_ERROR = 1002;

  /** Control frames carry at most this many payload bytes (RFC 6455, 5.5). */
  public static final int MAX_CONTROL_PAYLOAD = 125;

  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private WebSocket() {}

  /** The request asks for a WebSocket: {@code Upgrade: websocket}, {@code Connection: upgrade} and a key. */
  public static boolean isUpgrade(HttpRequestHead req) {
    return req.headerHasToken("upgrade", "websocket") && req.headerHasToken("connection", "upgrade")
        && req.header("sec-websocket-key") != null;
  }

  /** The {@code Sec-WebSocket-Accept} value for a client's key. */
  public static String acceptKey(String clientKey) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((clientKey.trim() + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }

  /** The 101 answer to an upgrade with {@code clientKey}. */
  public static byte[] upgradeAnswer(String clientKey) {
    return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + acceptKey(clientKey) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** Bytes of an unmasked frame's header for a payload of {@code payloadLength} bytes. */
  public static int headerLength(long payloadLength) {
    return payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
  }

  /** Writes a final, unmasked frame's header at {@code at} (absolute; {@link #headerLength} bytes). */
  public static void putHeader(ByteBuffer b, int at, int opcode, long payloadLength) {
    b.put(at, (byte) (0x80 | opcode));
    int header = headerLength(payloadLength);
    if (header == 2) {
      b.put(at + 1, (byte) payloadLength);
    } else if (header == 4) {
      b.put(at + 1, (byte) 126).putShort(at + 2, (short) payloadLength);
    } else {
      b.put(at + 1, (byte) 127).putLong(at + 2, payloadLength);
    }
  }

  /** One complete, unfragmented text frame: made once per event or batch and shared by every viewer. */
  public static byte[] textFrame(String text) {
    return frame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A close frame with a status code. */
  public static byte[] closeFrame(int code) {
    return frame(OP_CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
  }

  /** A final, unmasked frame with {@code payload}. */
  public static byte[] frame(int opcode, byte[] payload) {
    int header = headerLength(payload.length);
    byte[] out = new byte[header + payload.length];
    putHeader(ByteBuffer.wrap(out), 0, opcode, payload.length);
    System.arraycopy(payload, 0, out, header, payload.length);
    return out;
  }
}
