package io.shardcast.room.fanout;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.concurrent.atomic.LongAdder;

/** Counters of this node's fan-out, read by the metrics reporter; updated without allocation. */
public final class FanoutStats {
  public static final AtomicInteger CONNECTED_VIEWERS = new AtomicInteger();
  public static final AtomicInteger ACTIVE_EDGES = new AtomicInteger();
  /** Events written to viewers (a batch counts its events). */
  public static final LongAdder FRAMES_OUT = new LongAdder();
  /** WebSocket messages written to viewers (a batch is one). */
  public static final LongAdder MESSAGES_OUT = new LongAdder();
  public static final LongAdder CHAT_DROPPED = new LongAdder();
  /** Viewer connections accepted (upgrades completed). */
  public static final LongAdder JOINS = new LongAdder();
  /** Bytes written to viewer connections. */
  public static final LongAdder BYTES_OUT = new LongAdder();
  public static final LongAdder SLOW_CONSUMER_CLOSES = new LongAdder();

  /** Milliseconds from a frame's persistence to its release at an edge; set by the metrics reporter. */
  public static volatile LongConsumer fanoutLatencyMillis = ms -> {};

  private FanoutStats() {}
}
