package io.shardcast.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads a client's WebSocket frames (masked, RFC 6455) from bytes as they arrive, in pieces of
 * any size: complete frames are taken and told to a {@link Listener}; the start of an incomplete
 * one is left in the buffer for the caller to keep until more arrives. Text messages up to the
 * limit are delivered whole (fragments joined); binary messages and longer ones are read past
 * without being buffered and reported once complete. One reader per connection; it allocates only
 * to join a fragmented message.
 */
public final class WebSocketReader {

  /** What the reader finds. */
  public interface Listener {
    /** False once the connection has begun to close: the rest is left unread. */
    boolean reading();

    void onText(String text);

    /** A message read past: binary, or longer than the limit. */
    void onRefused(boolean binary);

    void onPing(byte[] payload, int length);

    /** The client's close frame, with its status code ({@link WebSocket#CLOSE_NORMAL} when it gave none). */
    void onClose(int code);

    /** A frame that breaks the protocol: the connection should close with {@link WebSocket#CLOSE_PROTOCOL_ERROR}. */
    void onProtocolError(String why);
  }

  private final int maxMessageBytes;
  /** Payload bytes of a discarded frame still to skip. */
  private long skip;
  /** Opcode of the message being received (text or binary), or -1 between messages. */
  private int messageOpcode = -1;
  private int messageLength;
  private boolean messageTooLarge;
  /** Payload of a fragmented message being assembled; allocated only for fragmented messages. */
  private byte[] fragments;

  /** @param maxMessageBytes the longest text message delivered */
  public WebSocketReader(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * Takes the complete frames in {@code buf} (from its position), unmasking each payload into
   * {@code scratch} (at least {@code maxMessageBytes} long, shared by the connections of a thread).
   * On return the buffer's position is at the first byte not taken.
   */
  public void read(ByteBuffer buf, byte[] scratch, Listener listener) {
    while (listener.reading()) {
      if (skip > 0) {
        int s = (int) Math.min(skip, buf.remaining());
        buf.position(buf.position() + s);
        skip -= s;
        if (skip > 0) {
          return;
        }
      }
      int p = buf.position();
      int available = buf.remaining();
      if (available < 2) {
        return;
      }
      int b0 = buf.get(p) & 0xff;
      int b1 = buf.get(p + 1) & 0xff;
      boolean fin = (b0 & 0x80) != 0;
      int opcode = b0 & 0x0f;
      if ((b0 & 0x70) != 0 || (b1 & 0x80) == 0) {
        listener.onProtocolError("reserved bits set or an unmasked frame");
        return;
      }
      int len7 = b1 & 0x7f;
      int header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
      if (available < header) {
        return;
      }
      long len = len7 == 126 ? buf.getShort(p + 2) & 0xffff : len7 == 127 ? buf.getLong(p + 2) : len7;
      if (len < 0) {
        listener.onProtocolError("negative frame length");
        return;
      }
      boolean isControl = opcode >= 0x8;
      // The message this frame belongs to; committed only once the frame is taken.
      int msgOpcode = messageOpcode;
      int msgLength = messageLength;
      boolean msgTooLarge = messageTooLarge;
      if (isControl) {
        if (!fin || len > WebSocket.MAX_CONTROL_PAYLOAD) {
          listener.onProtocolError("fragmented or oversized control frame");
          return;
        }
      } else if (opcode == WebSocket.OP_CONTINUATION) {
        if (msgOpcode < 0) {
          listener.onProtocolError("continuation without a message");
          return;
        }
      } else if (opcode == WebSocket.OP_TEXT || opcode == WebSocket.OP_BINARY) {
        if (msgOpcode >= 0) {
          listener.onProtocolError("new message before the last one ended");
          return;
        }
        msgOpcode = opcode;
        msgLength = 0;
        msgTooLarge = false;
      } else {
        listener.onProtocolError("unknown opcode " + opcode);
        return;
      }
      // Binary and oversized messages are read past, not buffered, and reported once complete.
      boolean discard = !isControl
          && (msgOpcode == WebSocket.OP_BINARY || msgTooLarge || msgLength + len > maxMessageBytes);
      if (!discard && available < header + len) {
        return; // wait for the rest of the frame
      }
      if (!isControl) {
        messageOpcode = msgOpcode;
        messageLength = msgLength;
        messageTooLarge = msgTooLarge || (discard && msgOpcode == WebSocket.OP_TEXT);
      }
      if (discard) {
        buf.position(p + header);
        skip = len;
        if (fin) {
          boolean binary = messageOpcode == WebSocket.OP_BINARY;
          endMessage();
          listener.onRefused(binary);
        }
        continue;
      }
      int length = (int) len;
      int maskAt = p + header - 4;
      int at = p + header;
      for (int i = 0; i < length; i++) {
        scratch[i] = (byte) (buf.get(at + i) ^ buf.get(maskAt + (i & 3)));
      }
      buf.position(at + length);
      if (isControl) {
        onControl(opcode, scratch, length, listener);
      } else if (fin && messageLength == 0) {
        messageOpcode = -1;
        listener.onText(new String(scratch, 0, length, StandardCharsets.UTF_8));
      } else {
        if (fragments == null) {
          fragments = new byte[maxMessageBytes];
        }
        System.arraycopy(scratch, 0, fragments, messageLength, length);
        messageLength += length;
        if (fin) {
          String text = new String(fragments, 0, messageLength, StandardCharsets.UTF_8);
          endMessage();
          listener.onText(text);
        }
      }
    }
  }

  private void endMessage() {
    messageOpcode = -1;
    messageLength = 0;
    fragments = null;
  }

  private static void onControl(int opcode, byte[] payload, int length, Listener listener) {
    switch (opcode) {
      case WebSocket.OP_PING -> listener.onPing(payload, length);
      case WebSocket.OP_CLOSE -> listener.onClose(
          length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : WebSocket.CLOSE_NORMAL);
      default -> { } // pong: nothing to do
    }
  }
}
