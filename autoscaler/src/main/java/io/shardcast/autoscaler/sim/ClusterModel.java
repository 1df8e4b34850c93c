package io.shardcast.autoscaler.sim;

import io.shardcast.autoscaler.policy.SafeLoad;

/**
 * The simulated cluster's physics: what a node carries safely and how long capacity takes to come
 * and go. Stress above 1 on a node is an overloaded node-second.
 *
 * @param coldStartSeconds start to warm standby for a Shardcast node (the live-measured figure)
 * @param coldStartJitter each start takes coldStartSeconds times 1 +/- this fraction
 * @param activationSeconds standby to serving
 * @param drainSeconds a drained node's viewers reconnect elsewhere over this long
 * @param baselineReadySeconds a reactive baseline's pod, from creation to ready (30 s + warm-up)
 */
public record ClusterModel(
    SafeLoad safe,
    double coldStartSeconds,
    double coldStartJitter,
    double activationSeconds,
    double drainSeconds,
    double baselineReadySeconds,
    long seed) {

  public ClusterModel {
    if (!(coldStartSeconds > 0 && activationSeconds > 0 && drainSeconds > 0 && baselineReadySeconds > 0)) {
      throw new IllegalArgumentException("start, activation, drain and ready times must be > 0");
    }
    if (!(coldStartJitter >= 0 && coldStartJitter < 1)) {
      throw new IllegalArgumentException("cold-start jitter must be in [0, 1)");
    }
  }

  /** This second's demand in nodes' worth of safe load (a fraction): its largest load over a node's safe load. */
  public double demandNodes(int viewers, int joins, int events) {
    return Math.max(viewers / safe.viewers(), Math.max(joins / safe.joinsPerSecond(), events / safe.eventsInPerSecond()));
  }

  /** Nodes of exactly safe load needed for this second's demand, spread perfectly: the oracle. */
  int oracleNodes(int viewers, int joins, int events) {
    return Math.max(1, (int) Math.ceil(demandNodes(viewers, joins, events) - 1e-9));
  }
}
