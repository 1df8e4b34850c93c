package io.shardcast.bench.jmh;

import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.FrameRenderer;
import io.shardcast.room.state.RoomEvent.CommentPosted;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * How a room event becomes the bytes a viewer gets: the room renders it to JSON once
 * ({@link FrameRenderer}), an edge joins the events it released into one message ({@link Frame#batch}),
 * the first viewer connection to send a frame encodes it as a WebSocket text frame and every other
 * viewer of the node sends those same bytes ({@link Frame#wire}). Not final: JMH extends state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameEncodingBench {

  /** Events in one batch message: a busy room's chat over one batch window. */
  static final int BATCH_EVENTS = 50;

  private CommentPosted comment;
  private final Frame[] released = new Frame[BATCH_EVENTS];
  private Frame encoded;

  @Setup
  public void setUp() {
    comment = Comments.event(1_048_576);
    for (int i = 0; i < BATCH_EVENTS; i++) {
      released[i] = Comments.rendered(1_000_000 + i);
    }
    encoded = Comments.rendered(1);
    byte[] wire = encoded.wire(ViewerWire.ENCODER);
    // The sizes the figures claim: a final text frame, a comment of about 200 bytes.
    int json = Comments.rendered(1_048_576).json.length();
    if (wire[0] != (byte) 0x81 || json < 180 || json > 220) {
      throw new IllegalStateException("a comment encodes to " + json + " bytes of JSON, opcode byte " + wire[0]);
    }
  }

  /** The room's half, once per event per room: the comment rendered to its JSON frame. */
  @Benchmark
  public Frame renderComment() {
    return FrameRenderer.render(comment);
  }

  /** One event from room event to WebSocket bytes: rendered, then encoded (once per node). */
  @Benchmark
  public byte[] commentToWire() {
    return ViewerWire.textFrame(FrameRenderer.render(comment).json);
  }

  /** Fifty released events joined into one message and encoded: once per batch per edge. */
  @Benchmark
  public byte[] batchOf50ToWire() {
    return ViewerWire.textFrame(Frame.batch(released, 0, BATCH_EVENTS).json);
  }

  /** Each further viewer of a frame: the shared bytes, which must cost nothing per viewer. */
  @Benchmark
  public byte[] wireSharedPerViewer() {
    return encoded.wire(ViewerWire.ENCODER);
  }
}
