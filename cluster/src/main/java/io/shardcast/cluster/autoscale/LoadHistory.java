package io.shardcast.cluster.autoscale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;

/**
 * The last minutes of every node's load as the autoscaler saw it, sampled every few seconds: what
 * the ops dashboard charts from the moment it opens (it adds its own polls after that), so a spike
 * that came before the page did is on the chart beside the decisions it caused.
 */
final class LoadHistory {

  /** One node at one sample. */
  record NodePoint(String node, String role, int viewers, double stress, String bottleneck) {}

  record Sample(long atMillis, List<NodePoint> nodes) {}

  private final long everyMillis;
  private final long keepMillis;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  /** When the last sample was taken; -1 before the first. */
  private long lastAtMillis = -1;

  LoadHistory(long everyMillis, long keepMillis) {
    this.everyMillis = everyMillis;
    this.keepMillis = keepMillis;
  }

  /** Takes a sample at {@code now} when the last is {@code everyMillis} old (the points are read only then). */
  void offer(long now, Supplier<List<NodePoint>> points) {
    if (lastAtMillis >= 0 && now - lastAtMillis < everyMillis) {
      return;
    }
    lastAtMillis = now;
    samples.addLast(new Sample(now, points.get()));
    while (!samples.isEmpty() && now - samples.peekFirst().atMillis() > keepMillis) {
      samples.removeFirst();
    }
  }

  /** The samples after {@code afterMillis}, oldest first: {@code {"at", "nodes":[{"node","role","viewers","stress","bottleneck"}]}}. */
  void describe(ArrayNode out, long afterMillis) {
    for (Sample s : samples) {
      if (s.atMillis() <= afterMillis) {
        continue;
      }
      ObjectNode o = out.addObject().put("at", s.atMillis());
      ArrayNode nodes = o.putArray("nodes");
      for (NodePoint p : s.nodes()) {
        nodes.addObject().put("node", p.node()).put("role", p.role()).put("viewers", p.viewers())
            .put("stress", p.stress()).put("bottleneck", p.bottleneck());
      }
    }
  }
}
