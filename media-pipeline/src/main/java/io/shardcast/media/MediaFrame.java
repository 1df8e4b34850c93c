package io.shardcast.media;

import io.shardcast.media.cue.CuePoint;
import io.shardcast.media.flv.Flv;
import io.shardcast.media.rtmp.ChunkWriter;
import io.shardcast.wire.WebSocket;
import java.nio.ByteBuffer;

/**
 * One audio or video frame (or script tag) of a track, as an FLV tag body on the room's clock. It
 * is encoded once per wire form (FLV tag, WebSocket-FLV message, RTMP chunks) and each encoding is
 * shared by every viewer of the node: a viewer holds a position in it, never a copy.
 */
public final class MediaFrame {

  /** Wire forms. */
  public static final int FLV = 0;
  public static final int WS_FLV = 1;
  public static final int RTMP = 2;
  private static final int ENCODINGS = 3;

  /** RTMP play: chunk size sent to players and the chunk streams used for each kind. */
  public static final int RTMP_CHUNK_SIZE = 4096;
  public static final int RTMP_CSID_AUDIO = 4;
  public static final int RTMP_CSID_DATA = 5;
  public static final int RTMP_CSID_VIDEO = 6;
  /** The message stream every play session gets from createStream. */
  public static final int RTMP_PLAY_STREAM = 1;

  /** {@link Flv#AUDIO}, {@link Flv#VIDEO} or {@link Flv#SCRIPT}. */
  public final int kind;
  /** Milliseconds on the room's clock (the same for every track of the room). */
  public final long timestamp;
  public final boolean keyframe;
  /** A sequence header (AVC decoder configuration or AAC AudioSpecificConfig). */
  public final boolean config;
  /** An {@code onCuePoint} script tag: it travels in order with the frames (unlike metadata, which is kept apart). */
  public final boolean cue;
  public final byte[] body;
  /** When the origin received it ({@link MediaClock#nowMicros()}), for latency figures. */
  public final long ingestMicros;
  /** Position in its track; set once when published. */
  long seq = -1;

  private final ByteBuffer[] encoded = new ByteBuffer[ENCODINGS];
  /** Per encoding, one view per I/O loop, so loops write the shared bytes without a duplicate per viewer. */
  private final ByteBuffer[][] views = new ByteBuffer[ENCODINGS][];

  public MediaFrame(int kind, long timestamp, byte[] body, long ingestMicros) {
    this.kind = kind;
    this.timestamp = timestamp;
    this.body = body;
    this.ingestMicros = ingestMicros;
    this.keyframe = kind == Flv.VIDEO && Flv.isVideoKeyframe(body) && !Flv.isVideoConfig(body);
    this.config = kind == Flv.VIDEO ? Flv.isVideoConfig(body) : kind == Flv.AUDIO && Flv.isAudioConfig(body);
    this.cue = kind == Flv.SCRIPT && CuePoint.is(body);
  }

  public long seq() {
    return seq;
  }

  public boolean isVideo() {
    return kind == Flv.VIDEO;
  }

  public boolean isAudio() {
    return kind == Flv.AUDIO;
  }

  /**
   * The bytes of {@code encoding} for I/O loop {@code loop} (of {@code loops}); the caller owns the
   * returned buffer's position and limit on that loop's thread only.
   */
  public ByteBuffer view(int encoding, int loop, int loops) {
    ByteBuffer[] perLoop = views[encoding];
    if (perLoop == null || perLoop.length < loops || perLoop[loop] == null) {
      perLoop = createView(encoding, loop, loops);
    }
    return perLoop[loop];
  }

  /** Size of {@code encoding} in bytes. */
  public int size(int encoding) {
    return encoding(encoding).capacity();
  }

  private synchronized ByteBuffer[] createView(int encoding, int loop, int loops) {
    ByteBuffer[] perLoop = views[encoding];
    if (perLoop == null || perLoop.length < loops) {
      ByteBuffer[] grown = new ByteBuffer[loops];
      if (perLoop != null) {
        System.arraycopy(perLoop, 0, grown, 0, perLoop.length);
      }
      perLoop = grown;
    }
    if (perLoop[loop] == null) {
      perLoop[loop] = encoding(encoding).duplicate();
    }
    views[encoding] = perLoop;
    return perLoop;
  }

  private synchronized ByteBuffer encoding(int encoding) {
    ByteBuffer b = encoded[encoding];
    if (b == null) {
      b = switch (encoding) {
        case FLV -> flvTag(0);
        case WS_FLV -> wsFlv();
        case RTMP -> rtmp();
        default -> throw new IllegalArgumentException("encoding " + encoding);
      };
      encoded[encoding] = b;
    }
    return b;
  }

  private ByteBuffer flvTag(int reserveFront) {
    int tagSize = Flv.TAG_HEADER_BYTES + body.length;
    ByteBuffer b = ByteBuffer.allocateDirect(reserveFront + tagSize + Flv.PREVIOUS_TAG_SIZE_BYTES);
    b.position(reserveFront);
    b.put((byte) kind);
    b.put((byte) (body.length >>> 16)).put((byte) (body.length >>> 8)).put((byte) body.length);
    b.put((byte) (timestamp >>> 16)).put((byte) (timestamp >>> 8)).put((byte) timestamp);
    b.put((byte) (timestamp >>> 24));
    b.put((byte) 0).put((byte) 0).put((byte) 0);
    b.put(body);
    b.putInt(tagSize);
    b.flip();
    return b;
  }

  private ByteBuffer wsFlv() {
    int payload = Flv.TAG_HEADER_BYTES + body.length + Flv.PREVIOUS_TAG_SIZE_BYTES;
    ByteBuffer b = flvTag(WebSocket.headerLength(payload));
    WebSocket.putHeader(b, 0, WebSocket.OP_BINARY, payload);
    return b;
  }

  private ByteBuffer rtmp() {
    int csid = kind == Flv.VIDEO ? RTMP_CSID_VIDEO : kind == Flv.AUDIO ? RTMP_CSID_AUDIO : RTMP_CSID_DATA;
    ByteBuffer b = ByteBuffer.allocateDirect(ChunkWriter.encodedLength(csid, timestamp, body.length, RTMP_CHUNK_SIZE));
    ChunkWriter.write(b, csid, kind, RTMP_PLAY_STREAM, timestamp, body, RTMP_CHUNK_SIZE);
    b.flip();
    return b;
  }
}
