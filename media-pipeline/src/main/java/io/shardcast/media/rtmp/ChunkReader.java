package io.shardcast.media.rtmp;

import io.shardcast.media.format.MediaFormatException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Reassembles RTMP messages from the chunk stream of one connection. Feed it whatever the socket
 * gave; it consumes whole chunks only and leaves a partial one in the buffer for the next read.
 * Limits: chunk size up to {@link #MAX_CHUNK_SIZE}, messages up to the configured size, at most
 * {@link #MAX_CHUNK_STREAMS} chunk streams; anything else is a {@link MediaFormatException}.
 */
public final class ChunkReader {

  /** Largest chunk size a peer may set; the read buffer must hold one chunk plus its headers. */
  public static final int MAX_CHUNK_SIZE = 64 * 1024;
  /** Worst-case chunk header: 3-byte basic header, 11-byte message header, 4-byte extended timestamp. */
  public static final int MAX_HEADER_BYTES = 18;
  /** Publishers use a handful; more is an attack on memory. */
  public static final int MAX_CHUNK_STREAMS = 64;

  private final int maxMessageBytes;
  private int chunkSize = 128;
  private final ChunkStream[] streams = new ChunkStream[MAX_CHUNK_STREAMS];
  private final int[] streamIds = new int[MAX_CHUNK_STREAMS];
  private int streamCount;

  private static final class ChunkStream {
    long timestamp;
    long delta;
    int length;
    int type;
    int streamId;
    boolean extended;
    byte[] payload;
    int received;
  }

  public ChunkReader(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  public int chunkSize() {
    return chunkSize;
  }

  /**
   * Consumes every whole chunk in {@code in} (flipped for reading), handing each finished message
   * to {@code out}, and leaves {@code in} positioned at the first unconsumed byte.
   */
  public void read(ByteBuffer in, Consumer<RtmpMessage> out) {
    while (in.hasRemaining()) {
      int start = in.position();
      if (!readChunk(in, out)) {
        in.position(start);
        return;
      }
    }
  }

  private boolean readChunk(ByteBuffer in, Consumer<RtmpMessage> out) {
    int b0 = in.get() & 0xFF;
    int fmt = b0 >>> 6;
    int csid = b0 & 0x3F;
    if (csid == 0) {
      if (in.remaining() < 1) {
        return false;
      }
      csid = 64 + (in.get() & 0xFF);
    } else if (csid == 1) {
      if (in.remaining() < 2) {
        return false;
      }
      csid = 64 + (in.get() & 0xFF) + ((in.get() & 0xFF) << 8);
    }
    int headerBytes = fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0;
    if (in.remaining() < headerBytes) {
      return false;
    }
    ChunkStream cs = stream(csid, fmt);
    long tsField = 0;
    boolean newMessage = cs.payload == null;
    int length = cs.length;
    int type = cs.type;
    int streamId = cs.streamId;
    if (fmt <= 2) {
      tsField = uint24(in);
      if (fmt <= 1) {
        length = uint24(in);
        type = in.get() & 0xFF;
        if (fmt == 0) {
          streamId = Integer.reverseBytes(in.getInt());
        }
      }
    }
    boolean extended = fmt <= 2 ? tsField == 0xFFFFFF : cs.extended;
    if (extended) {
      if (in.remaining() < 4) {
        return false;
      }
      long ext = in.getInt() & 0xFFFFFFFFL;
      if (fmt <= 2) {
        tsField = ext;
      } else if (newMessage) {
        tsField = ext;
      }
    }
    if (fmt != 3 && !newMessage) {
      throw new MediaFormatException("RTMP: a new message header on chunk stream " + csid
          + " before its previous message of " + cs.length + " bytes was complete");
    }
    if (newMessage) {
      if (length > maxMessageBytes) {
        throw new MediaFormatException("RTMP: message of " + length + " bytes on chunk stream " + csid
            + " (limit " + maxMessageBytes + ")");
      }
      if (fmt == 3 && cs.type == 0) {
        throw new MediaFormatException("RTMP: chunk stream " + csid + " continues a message it never started");
      }
    }
    int take = Math.min(chunkSize, (newMessage ? length : cs.length - cs.received));
    if (in.remaining() < take) {
      return false;
    }
    // The whole chunk is here: commit the header.
    if (newMessage) {
      if (fmt == 0) {
        cs.timestamp = tsField;
        cs.delta = 0;
      } else if (fmt <= 2) {
        cs.delta = tsField;
        cs.timestamp += tsField;
      } else {
        cs.timestamp += extended ? tsField : cs.delta;
      }
      cs.length = length;
      cs.type = type;
      cs.streamId = streamId;
      cs.extended = extended;
      cs.payload = new byte[length];
      cs.received = 0;
    }
    in.get(cs.payload, cs.received, take);
    cs.received += take;
    if (cs.received == cs.length) {
      byte[] payload = cs.payload;
      cs.payload = null;
      if (cs.type == RtmpMessage.SET_CHUNK_SIZE) {
        setChunkSize(payload);
      } else if (cs.type == RtmpMessage.ABORT && payload.length >= 4) {
        abort(ByteBuffer.wrap(payload).getInt());
      }
      out.accept(new RtmpMessage(csid, cs.type, cs.streamId, cs.timestamp, payload));
    }
    return true;
  }

  private void setChunkSize(byte[] payload) {
    if (payload.length < 4) {
      throw new MediaFormatException("RTMP: set chunk size with " + payload.length + " bytes");
    }
    int size = ByteBuffer.wrap(payload).getInt() & 0x7FFFFFFF;
    if (size < 1 || size > MAX_CHUNK_SIZE) {
      throw new MediaFormatException("RTMP: chunk size " + size + " (allowed 1.." + MAX_CHUNK_SIZE + ")");
    }
    chunkSize = size;
  }

  private void abort(int csid) {
    for (int i = 0; i < streamCount; i++) {
      if (streamIds[i] == csid) {
        streams[i].payload = null;
      }
    }
  }

  private ChunkStream stream(int csid, int fmt) {
    for (int i = 0; i < streamCount; i++) {
      if (streamIds[i] == csid) {
        return streams[i];
      }
    }
    if (fmt != 0) {
      throw new MediaFormatException("RTMP: chunk stream " + csid + " starts with a type " + fmt + " header");
    }
    if (streamCount == MAX_CHUNK_STREAMS) {
      throw new MediaFormatException("RTMP: more than " + MAX_CHUNK_STREAMS + " chunk streams");
    }
    ChunkStream cs = new ChunkStream();
    streamIds[streamCount] = csid;
    streams[streamCount++] = cs;
    return cs;
  }

  private static int uint24(ByteBuffer in) {
    return ((in.get() & 0xFF) << 16) | ((in.get() & 0xFF) << 8) | (in.get() & 0xFF);
  }
}
