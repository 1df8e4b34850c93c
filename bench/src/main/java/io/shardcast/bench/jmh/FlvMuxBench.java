package io.shardcast.bench.jmh;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.flv.Flv;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * FLV muxing: a published 720p H.264 frame ({@link MediaFrame}, its body an FLV video tag body)
 * encoded into each wire form a player takes (an FLV tag for HTTP-FLV, the same as one WebSocket
 * message for WS-FLV, RTMP chunks). Each form is made once per frame per node, by its first viewer,
 * and every other viewer writes a view of those bytes. Not final: JMH extends state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FlvMuxBench {

  /** Tag body bytes: an inter frame at 2.5 Mbit/s and 30 fps (about 10 KB), and a keyframe. */
  @Param({"12000", "60000"})
  int bodyBytes;

  private static final long FRAME_INTERVAL_MILLIS = 33;
  /** AVC inter frame (frame type 2, codec 7), NAL units (packet type 1), composition time 0. */
  private static final byte[] AVC_INTER_FRAME_HEADER = {0x27, 0x01, 0, 0, 0};

  private byte[] body;
  private long timestamp;
  private MediaFrame shared;

  @Setup
  public void setUp() {
    body = new byte[bodyBytes];
    new SplittableRandom(42).nextBytes(body);
    System.arraycopy(AVC_INTER_FRAME_HEADER, 0, body, 0, AVC_INTER_FRAME_HEADER.length);
    Flv.checkVideo(body);
    shared = new MediaFrame(Flv.VIDEO, 0, body, 0);
    shared.view(MediaFrame.FLV, 0, 1);
  }

  /** The frame as published (its body is the ingest's), then the wire form's first view. */
  private ByteBuffer firstView(int encoding) {
    timestamp += FRAME_INTERVAL_MILLIS;
    return new MediaFrame(Flv.VIDEO, timestamp, body, 0).view(encoding, 0, 1);
  }

  /** HTTP-FLV: an 11-byte tag header, the body, the previous-tag size. */
  @Benchmark
  public ByteBuffer flvTag() {
    return firstView(MediaFrame.FLV);
  }

  /** WS-FLV: the same tag as one binary WebSocket message. */
  @Benchmark
  public ByteBuffer wsFlvMessage() {
    return firstView(MediaFrame.WS_FLV);
  }

  /** RTMP play: the message cut into 4,096-byte chunks. */
  @Benchmark
  public ByteBuffer rtmpChunks() {
    return firstView(MediaFrame.RTMP);
  }

  /** Each further viewer: its loop's view of the shared tag, rewound as a playback does. */
  @Benchmark
  public ByteBuffer tagSharedPerViewer() {
    return shared.view(MediaFrame.FLV, 0, 1).clear();
  }
}
