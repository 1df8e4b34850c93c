package io.shardcast.autoscaler.policy;

import io.shardcast.autoscaler.signal.NodeReport;
import io.shardcast.autoscaler.signal.Observation;
import java.util.ArrayList;
import java.util.List;

/**
 * The nodes one observation counts, by role, with their summed demand and the stress of the serving
 * nodes. A node whose last report is older than {@code report-stale-after} is not counted.
 *
 * @param demand the counted nodes' {@link Demand} totals
 * @param hottest the most stressed active node, null when none serves
 * @param minActiveStress the least stressed active node's stress, {@code Double.MAX_VALUE} when none serves
 */
record Census(List<NodeReport> active, List<NodeReport> standby, int activating, int starting, int draining,
    double[] demand, double maxStress, String hottest, double minActiveStress) {

  /** Counts the fresh nodes of {@code o}; each silent one is named in {@code why}. */
  static Census of(Observation o, AutoscalerSettings settings, List<String> why) {
    long now = o.nowMillis();
    SafeLoad safe = settings.safeLoad();
    List<NodeReport> active = new ArrayList<>();
    List<NodeReport> standby = new ArrayList<>();
    int activating = 0;
    int starting = 0;
    int draining = 0;
    double[] demand = new double[Demand.COUNT];
    double maxStress = 0;
    String hottest = null;
    double minActiveStress = Double.MAX_VALUE;
    long staleMillis = settings.reportStaleAfter().toMillis();
    for (NodeReport n : o.nodes()) {
      if (now - n.reportedAtMillis() > staleMillis) {
        why.add(n.nodeId() + " silent " + (now - n.reportedAtMillis()) / 1000 + "s: not counted");
        continue;
      }
      Demand.add(demand, n.load());
      switch (n.role()) {
        case ACTIVE:
          active.add(n);
          double stress = safe.stress(n.load());
          if (stress > maxStress) {
            maxStress = stress;
            hottest = n.nodeId();
          }
          minActiveStress = Math.min(minActiveStress, stress);
          break;
        case ACTIVATING: activating++; break;
        case STANDBY: standby.add(n); break;
        case STARTING: starting++; break;
        case DRAINING: draining++; break;
        default: break;
      }
    }
    return new Census(active, standby, activating, starting, draining, demand, maxStress, hottest, minActiveStress);
  }

  /** Nodes serving or about to: active and activating. */
  int serving() {
    return active.size() + activating;
  }

  /** Capacity warm or on its way that does not serve: standbys and starts. */
  int pool() {
    return standby.size() + starting;
  }
}
