package io.shardcast.media.rtmp;

import java.nio.ByteBuffer;

/** Splits RTMP messages into chunks: a type 0 header on the first chunk, type 3 on the rest. */
public final class ChunkWriter {

  private ChunkWriter() {}

  /** Bytes {@code payloadLength} takes on the wire at {@code chunkSize}, headers included. */
  public static int encodedLength(int csid, long timestamp, int payloadLength, int chunkSize) {
    int basic = csid < 64 ? 1 : csid < 320 ? 2 : 3;
    boolean ext = timestamp >= 0xFFFFFF;
    int chunks = Math.max(1, (payloadLength + chunkSize - 1) / chunkSize);
    return basic + 11 + (ext ? 4 : 0) + (chunks - 1) * (basic + (ext ? 4 : 0)) + payloadLength;
  }

  /** Writes one message ({@code payload} whole) into {@code out}, which must have {@link #encodedLength} bytes free. */
  public static void write(ByteBuffer out, int csid, int type, int streamId, long timestamp, byte[] payload,
      int chunkSize) {
    boolean ext = timestamp >= 0xFFFFFF;
    int length = payload.length;
    basicHeader(out, 0, csid);
    int tsField = ext ? 0xFFFFFF : (int) timestamp;
    out.put((byte) (tsField >>> 16)).put((byte) (tsField >>> 8)).put((byte) tsField);
    out.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
    out.put((byte) type);
    out.putInt(Integer.reverseBytes(streamId));
    if (ext) {
      out.putInt((int) timestamp);
    }
    int at = 0;
    do {
      if (at > 0) {
        basicHeader(out, 3, csid);
        if (ext) {
          out.putInt((int) timestamp);
        }
      }
      int n = Math.min(chunkSize, length - at);
      out.put(payload, at, n);
      at += n;
    } while (at < length);
  }

  /** Encodes one message into a new array (control and command messages, not media). */
  public static byte[] encode(int csid, int type, int streamId, long timestamp, byte[] payload, int chunkSize) {
    ByteBuffer out = ByteBuffer.allocate(encodedLength(csid, timestamp, payload.length, chunkSize));
    write(out, csid, type, streamId, timestamp, payload, chunkSize);
    return out.array();
  }

  private static void basicHeader(ByteBuffer out, int fmt, int csid) {
    if (csid < 64) {
      out.put((byte) ((fmt << 6) | csid));
    } else if (csid < 320) {
      out.put((byte) (fmt << 6)).put((byte) (csid - 64));
    } else {
      out.put((byte) ((fmt << 6) | 1)).put((byte) ((csid - 64) & 0xFF)).put((byte) ((csid - 64) >>> 8));
    }
  }
}
