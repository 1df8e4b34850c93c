package io.shardcast.autoscaler.policy;

import io.shardcast.autoscaler.signal.NodeLoad;

/** One node's safe load per resource; stress is the largest load / safe load over them. */
public record SafeLoad(
    double viewers,
    double joinsPerSecond,
    double eventsInPerSecond,
    double eventsOutPerSecond,
    double egressBytesPerSecond,
    double cpu,
    double lagMillis) {

  /** The resources stress is computed over, in report order. */
  public enum Resource { VIEWERS, JOINS, EVENTS_IN, EVENTS_OUT, EGRESS, CPU, LAG }

  public double stress(NodeLoad load) {
    double s = load.viewers() / viewers;
    s = Math.max(s, load.joinsPerSecond() / joinsPerSecond);
    s = Math.max(s, load.eventsInPerSecond() / eventsInPerSecond);
    s = Math.max(s, load.eventsOutPerSecond() / eventsOutPerSecond);
    s = Math.max(s, load.egressBytesPerSecond() / egressBytesPerSecond);
    s = Math.max(s, load.cpu() / cpu);
    return Math.max(s, load.lagMillis() / lagMillis);
  }

  /** The resource that sets {@link #stress(NodeLoad)}. */
  public Resource bottleneck(NodeLoad load) {
    double[] v = {
        load.viewers() / viewers, load.joinsPerSecond() / joinsPerSecond,
        load.eventsInPerSecond() / eventsInPerSecond, load.eventsOutPerSecond() / eventsOutPerSecond,
        load.egressBytesPerSecond() / egressBytesPerSecond, load.cpu() / cpu, load.lagMillis() / lagMillis};
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return Resource.values()[best];
  }

  /** Safe load of the additive resources (the ones demand is forecast on), by {@link Demand} index. */
  double additive(int index) {
    switch (index) {
      case Demand.VIEWERS: return viewers;
      case Demand.JOINS: return joinsPerSecond;
      case Demand.EVENTS_IN: return eventsInPerSecond;
      case Demand.EVENTS_OUT: return eventsOutPerSecond;
      case Demand.EGRESS: return egressBytesPerSecond;
      default: throw new IllegalArgumentException("no additive resource " + index);
    }
  }
}
