package io.shardcast.room.fanout;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Counters of one node's fan-out, owned by the node and handed to what records into them (its room
 * edges, viewer sessions and connections); read by its metrics reporter and load probe. Updated
 * without allocation. One instance per node, so nodes sharing a JVM (the cluster tests) count apart.
 */
public final class FanoutStats {

  public final AtomicInteger connectedViewers = new AtomicInteger();
  public final AtomicInteger activeEdges = new AtomicInteger();
  /** Events written to viewers (a batch counts its events). */
  public final LongAdder framesOut = new LongAdder();
  /** WebSocket messages written to viewers (a batch is one). */
  public final LongAdder messagesOut = new LongAdder();
  public final LongAdder chatDropped = new LongAdder();
  /** Viewer connections accepted (upgrades completed). */
  public final LongAdder joins = new LongAdder();
  /** Bytes written to viewer connections. */
  public final LongAdder bytesOut = new LongAdder();
  public final LongAdder slowConsumerCloses = new LongAdder();

  private volatile LongConsumer fanoutLatencyMillis = ms -> {};

  /** Where {@link #fanoutLatency} records go; set by the node's metrics reporter. */
  public void onFanoutLatency(LongConsumer millis) {
    this.fanoutLatencyMillis = millis;
  }

  /** Milliseconds from a frame's persistence to its release at one of this node's edges. */
  public void fanoutLatency(long millis) {
    fanoutLatencyMillis.accept(millis);
  }
}
