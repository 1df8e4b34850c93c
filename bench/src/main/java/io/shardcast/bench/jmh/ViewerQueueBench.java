package io.shardcast.bench.jmh;

import com.typesafe.config.ConfigFactory;
import io.shardcast.room.RoomSettings;
import io.shardcast.room.fanout.FanoutStats;
import io.shardcast.room.fanout.Frame;
import io.shardcast.room.fanout.ViewerSession;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One viewer's outbound queue ({@link ViewerSession}) with the node's settings (reference.conf): an
 * edge offers frames, the viewer's connection drains them until the queue is empty and then waits
 * for the next offer to wake it. A session accepts each seq once, so the frames are made ahead
 * (seq 1..n) and a new session, as for a new viewer, takes over when they run out (once per 32,768
 * events at most: a few bytes per thousand operations). Not final: JMH extends state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ViewerQueueBench {

  private static final int COMMENTS = 1 << 16;
  private static final int BATCHES = 1 << 10;
  /**
   * Comments arriving at once at a viewer that has stopped reading: more than reference.conf's
   * chat-limit (96), so the queue samples the rest away, less than its queue-capacity (128), which
   * chat never fills.
   */
  static final int BURST = 128;

  private RoomSettings settings;
  private final FanoutStats stats = new FanoutStats();
  private Frame[] comments;
  private Frame[] batches;
  private ViewerSession commentViewer;
  private ViewerSession batchViewer;
  private ViewerSession burstViewer;
  private int nextComment;
  private int nextBatch;
  private int nextBurst;
  private long bursts;
  private long wakeups;

  @Setup
  public void setUp() {
    settings = RoomSettings.from(ConfigFactory.load());
    if (settings.viewerChatLimit() >= BURST || settings.viewerQueueCapacity() < BURST) {
      throw new IllegalStateException("BURST must lie between chat-limit and queue-capacity");
    }
    // Chat older than max-chat-age is sampled away at the poll: these stay fresh for the whole run.
    long fresh = System.currentTimeMillis() + TimeUnit.DAYS.toMillis(1);
    comments = new Frame[COMMENTS];
    for (int i = 0; i < COMMENTS; i++) {
      comments[i] = Comments.createdAt(i + 1, fresh);
    }
    Frame[] events = new Frame[BATCHES * FrameEncodingBench.BATCH_EVENTS];
    for (int i = 0; i < events.length; i++) {
      events[i] = Comments.createdAt(i + 1, fresh);
    }
    batches = new Frame[BATCHES];
    for (int i = 0; i < BATCHES; i++) {
      batches[i] = Frame.batch(events, i * FrameEncodingBench.BATCH_EVENTS, (i + 1) * FrameEncodingBench.BATCH_EVENTS);
    }
    commentViewer = newViewer();
    batchViewer = newViewer();
    burstViewer = newViewer();
  }

  private ViewerSession newViewer() {
    ViewerSession s = new ViewerSession("room-1", "viewer-1", settings.viewerQueueCapacity(), settings.viewerChatLimit(),
        settings.viewerMaxChatAge().toMillis(), stats);
    s.onWakeup(() -> wakeups++);
    return s;
  }

  /** A viewer that keeps up, one comment at a time: offer, take it, find the queue empty. */
  @Benchmark
  public Frame commentToKeptUpViewer() {
    if (nextComment == COMMENTS) {
      commentViewer = newViewer();
      nextComment = 0;
    }
    ViewerSession s = commentViewer;
    s.offer(comments[nextComment++]);
    Frame f = s.poll();
    s.poll();
    return f;
  }

  /** The same with batching on: one batch of 50 events per offer and per write. */
  @Benchmark
  public Frame batchToKeptUpViewer() {
    if (nextBatch == BATCHES) {
      batchViewer = newViewer();
      nextBatch = 0;
    }
    ViewerSession s = batchViewer;
    s.offer(batches[nextBatch++]);
    Frame f = s.poll();
    s.poll();
    return f;
  }

  /**
   * A viewer that fell behind: {@link #BURST} comments offered while it does not read (those past
   * chat-limit sampled away), then drained. Figures are per comment offered.
   */
  @Benchmark
  @OperationsPerInvocation(BURST)
  public int commentBurstToSlowViewer() {
    if (nextBurst + BURST > COMMENTS) {
      burstViewer = newViewer();
      nextBurst = 0;
    }
    ViewerSession s = burstViewer;
    bursts++;
    for (int i = 0; i < BURST; i++) {
      s.offer(comments[nextBurst++]);
    }
    int sent = 0;
    while (s.poll() != null) {
      sent++;
    }
    return sent;
  }

  /** A run in which the viewers were never woken, or never dropped chat in the burst, measured something else. */
  @TearDown
  public void check() {
    if (wakeups == 0) {
      throw new IllegalStateException("no offer woke a waiting connection");
    }
    if (bursts > 0 && stats.chatDropped.sum() == 0) {
      throw new IllegalStateException("the burst never passed chat-limit");
    }
  }
}
