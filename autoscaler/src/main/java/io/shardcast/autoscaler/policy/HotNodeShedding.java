package io.shardcast.autoscaler.policy;

import io.shardcast.autoscaler.signal.NodeReport;
import java.util.List;

/**
 * Viewers stay on the node they joined, so a node that took a burst before new capacity served
 * stays hot after it arrives. Such a node sheds its viewers above the target onto the active nodes
 * with room (only as many as they can take; they reconnect by seq, losing nothing).
 */
final class HotNodeShedding {

  /** Shed viewers come back as joins: no more per second than this share of the other nodes' join capacity. */
  private static final double SHARE_OF_JOIN_CAPACITY = 0.5;

  private final AutoscalerSettings settings;

  HotNodeShedding(AutoscalerSettings settings) {
    this.settings = settings;
  }

  /** Adds a {@link Action.Shed} to {@code actions} for each active node over its safe viewers. */
  void shed(List<NodeReport> active, List<Action> actions) {
    double target = settings.targetUtilization() * settings.safeLoad().viewers();
    long room = 0;
    for (NodeReport n : active) {
      room += Math.max(0, (long) target - n.load().viewers());
    }
    room = Math.min(room, (long) ((active.size() - 1) * settings.safeLoad().joinsPerSecond() * SHARE_OF_JOIN_CAPACITY));
    for (NodeReport n : active) {
      long excess = n.load().viewers() - (long) Math.ceil(settings.safeLoad().viewers());
      if (excess <= 0 || room <= 0) {
        continue;
      }
      int shed = (int) Math.min(room, n.load().viewers() - (long) target);
      room -= shed;
      actions.add(new Action.Shed(n.nodeId(), shed));
    }
  }
}
