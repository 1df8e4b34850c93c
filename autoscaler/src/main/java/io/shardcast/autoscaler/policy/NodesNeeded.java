package io.shardcast.autoscaler.policy;

/** How many nodes carry a demand ({@link Demand} totals): at the target utilization, or with headroom. */
final class NodesNeeded {

  /** A demand of exactly n nodes' worth needs n nodes, not n + 1 through a rounding error. */
  private static final double EPSILON = 1e-9;

  private final AutoscalerSettings settings;

  NodesNeeded(AutoscalerSettings settings) {
    this.settings = settings;
  }

  /** Nodes needed so no additive resource exceeds {@code target-utilization} of its safe load. */
  int atTarget(double[] demand) {
    double utilization = settings.targetUtilization();
    int n = 0;
    for (int i = 0; i < Demand.COUNT; i++) {
      n = Math.max(n, (int) Math.ceil(demand[i] / (settings.safeLoad().additive(i) * utilization) - EPSILON));
    }
    return n;
  }

  /** Nodes needed to carry {@code demand} at safe load with {@code headroom-nodes} to spare. */
  int withHeadroom(double[] demand) {
    int n = 0;
    for (int i = 0; i < Demand.COUNT; i++) {
      n = Math.max(n,
          (int) Math.ceil(demand[i] / settings.safeLoad().additive(i) + settings.headroomNodes() - EPSILON));
    }
    return n;
  }

  /**
   * The forecast's own need: active nodes for the demand over the activation horizon; all nodes for
   * the demand over the cold-start horizon, with headroom, and never fewer than the active ones plus
   * the {@code min-standby} pool.
   */
  Capacity forForecast(double[] overActivation, double[] overColdStart) {
    int active = Math.max(settings.minActive(), atTarget(overActivation));
    int provision = Math.max(active + settings.minStandby(),
        Math.max(atTarget(overColdStart), withHeadroom(overColdStart)));
    return new Capacity(active, provision);
  }
}
