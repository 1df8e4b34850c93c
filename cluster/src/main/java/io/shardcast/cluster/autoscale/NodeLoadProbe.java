package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.signal.NodeLoad;
import io.shardcast.cluster.metrics.NodeMetrics;
import java.lang.management.ManagementFactory;
import java.util.function.IntSupplier;

/**
 * This node's load over the last second, as the autoscaler wants it: viewers, joins/s, events in
 * and out per second, egress bytes/s, process CPU and how late the once-a-second sample itself ran
 * (a busy dispatcher shows there first). Sampled by one caller, once a second.
 */
final class NodeLoadProbe {

  private final IntSupplier viewers;
  private final NodeMetrics metrics;
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long lastNanos = System.nanoTime();
  private long lastJoins;
  private long lastEventsIn;
  private long lastEventsOut;
  private long lastBytesOut;

  private NodeLoad last = NodeLoad.IDLE;

  /**
   * @param viewers this node's connected viewers (its viewer listener's count)
   * @param metrics this node's counters of events in, joins, events and bytes out
   */
  NodeLoadProbe(IntSupplier viewers, NodeMetrics metrics) {
    this.viewers = viewers;
    this.metrics = metrics;
    this.lastJoins = metrics.fanout().joins.sum();
    this.lastEventsIn = metrics.eventsIn();
    this.lastEventsOut = metrics.fanout().framesOut.sum();
    this.lastBytesOut = metrics.fanout().bytesOut.sum();
  }

  /** The last sample, with the viewers connected now (for a report between samples). */
  NodeLoad peek() {
    NodeLoad l = last;
    return new NodeLoad(viewers.getAsInt(), l.joinsPerSecond(), l.eventsInPerSecond(),
        l.eventsOutPerSecond(), l.egressBytesPerSecond(), l.cpu(), l.lagMillis());
  }

  /** The load since the previous sample; {@code intervalNanos} is how often it is meant to run. */
  NodeLoad sample(long intervalNanos) {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
    double lagMillis = Math.max(0, (now - lastNanos - intervalNanos) / 1e6);
    lastNanos = now;
    long joins = metrics.fanout().joins.sum();
    long in = metrics.eventsIn();
    long out = metrics.fanout().framesOut.sum();
    long bytes = metrics.fanout().bytesOut.sum();
    NodeLoad load = new NodeLoad(viewers.getAsInt(), (joins - lastJoins) / seconds,
        (in - lastEventsIn) / seconds, (out - lastEventsOut) / seconds, (bytes - lastBytesOut) / seconds,
        Math.max(0, os.getProcessCpuLoad()), lagMillis);
    lastJoins = joins;
    lastEventsIn = in;
    lastEventsOut = out;
    lastBytesOut = bytes;
    last = load;
    return load;
  }
}
