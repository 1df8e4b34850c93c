package io.shardcast.autoscaler.policy;

import io.shardcast.autoscaler.signal.NodeLoad;

/** Cluster-wide totals of the additive resources (what more nodes divide between them). */
final class Demand {

  static final int VIEWERS = 0;
  static final int JOINS = 1;
  static final int EVENTS_IN = 2;
  static final int EVENTS_OUT = 3;
  static final int EGRESS = 4;
  static final int COUNT = 5;
  static final String[] NAMES = {"viewers", "joins/s", "events-in/s", "events-out/s", "egress-B/s"};

  private Demand() {}

  static void add(double[] into, NodeLoad load) {
    into[VIEWERS] += load.viewers();
    into[JOINS] += load.joinsPerSecond();
    into[EVENTS_IN] += load.eventsInPerSecond();
    into[EVENTS_OUT] += load.eventsOutPerSecond();
    into[EGRESS] += load.egressBytesPerSecond();
  }

  /** Interactions per viewer in {@code demand}; 0 without viewers. */
  static double eventsPerViewer(double[] demand) {
    return demand[VIEWERS] > 0 ? demand[EVENTS_IN] / demand[VIEWERS] : 0;
  }
}
