package io.shardcast.autoscaler.policy;

import io.shardcast.autoscaler.signal.NodeReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Capacity towards the targets: warm standbys serve first, the longest in the pool first; new nodes
 * start for the rest of the provision target, which tops the standby pool up behind them.
 */
final class ScaleOut {

  /**
   * The nodes after this tick's activations.
   *
   * @param serving serving, activating and activated now
   * @param standby the standbys left, the warmest first when any was activated
   */
  record Activated(int serving, List<NodeReport> standby) {}

  private ScaleOut() {}

  /** Adds the {@link Action.Activate}s and the {@link Action.Start} that reach {@code target} to {@code actions}. */
  static Activated act(Capacity target, Census census, List<Action> actions) {
    int serving = census.serving();
    List<NodeReport> standby = census.standby();
    if (target.active() > serving && !standby.isEmpty()) {
      List<NodeReport> warmestFirst = new ArrayList<>(standby);
      warmestFirst.sort(Comparator.comparingLong(NodeReport::roleSinceMillis));
      int k = Math.min(target.active() - serving, warmestFirst.size());
      for (int i = 0; i < k; i++) {
        actions.add(new Action.Activate(warmestFirst.get(i).nodeId()));
      }
      standby = new ArrayList<>(warmestFirst.subList(k, warmestFirst.size()));
      serving += k;
    }
    int provisioned = serving + standby.size() + census.starting();
    if (target.provision() > provisioned) {
      actions.add(new Action.Start(target.provision() - provisioned));
    }
    return new Activated(serving, standby);
  }
}
