package io.shardcast.autoscaler.policy;

import java.util.List;

/**
 * What the policy wants after one tick.
 *
 * @param activeTarget nodes that should be serving
 * @param provisionTarget nodes that should exist (serving, standing by or starting)
 * @param maxStress the most stressed serving node's stress
 * @param panic whether the panic rule is in force
 * @param actions what to do now to converge (empty when converged or waiting)
 * @param reason one line a human reads: the demand, the forecast and why the targets are what they are
 */
public record Plan(
    long atMillis, int activeTarget, int provisionTarget, double maxStress, boolean panic,
    List<Action> actions, String reason) {

  public Plan {
    actions = List.copyOf(actions);
  }
}
