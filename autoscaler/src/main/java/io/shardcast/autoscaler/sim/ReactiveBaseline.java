package io.shardcast.autoscaler.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A reactive autoscaler in the manner of the Kubernetes HPA, as the baseline: every 15 s,
 * desired = ceil(serving x mean stress / target), up by at most 100% or 4 pods per period, down
 * only to the highest desired count of the last 300 s; a new pod serves after the model's
 * ready time (30 s plus JVM warm-up). No standby pool, no forecast, no sale calendar.
 */
public final class ReactiveBaseline implements Simulation.Controller {

  /** Seconds between two decisions (the HPA's sync period). */
  static final int SYNC_SECONDS = 15;
  /** Scale-down stabilization window. */
  static final int DOWN_STABILIZATION_SECONDS = 300;
  /** Scale-up limit per period: +100% or +4 pods, whichever is more. */
  static final int UP_PODS = 4;

  private final double targetStress;
  private final int minNodes;
  private final ArrayDeque<int[]> recommendations = new ArrayDeque<>();

  /** @param targetStress the utilization target (mean stress over serving nodes) */
  public ReactiveBaseline(double targetStress, int minNodes) {
    this.targetStress = targetStress;
    this.minNodes = minNodes;
  }

  @Override
  public String name() {
    return "hpa-like";
  }

  @Override
  public void tick(Simulation sim, int t) {
    if (t % SYNC_SECONDS != 0) {
      return;
    }
    List<Simulation.Node> serving = new ArrayList<>();
    int starting = 0;
    for (Simulation.Node n : sim.nodes()) {
      switch (n.role()) {
        case ACTIVE -> serving.add(n);
        case STARTING -> starting++;
        default -> { }
      }
    }
    if (serving.isEmpty()) {
      return;
    }
    double mean = 0;
    for (Simulation.Node n : serving) {
      mean += n.stress();
    }
    mean /= serving.size();
    int current = serving.size() + starting;
    int desired = Math.max(minNodes, (int) Math.ceil(serving.size() * mean / targetStress - 1e-9));
    desired = Math.min(desired, Math.max(2 * current, current + UP_PODS));
    recommendations.addLast(new int[] {t, desired});
    while (recommendations.peekFirst()[0] < t - DOWN_STABILIZATION_SECONDS) {
      recommendations.removeFirst();
    }
    if (desired > current) {
      for (int i = current; i < desired; i++) {
        sim.start(sim.model().baselineReadySeconds(), true);
      }
      return;
    }
    int stabilized = 0;
    for (int[] r : recommendations) {
      stabilized = Math.max(stabilized, r[1]);
    }
    if (stabilized < current) {
      // The least loaded pods go first (as the HPA's scale-in picks the newest; close enough here).
      serving.sort((a, b) -> Double.compare(a.stress(), b.stress()));
      for (int i = 0; i < Math.min(current - stabilized, serving.size() - minNodes); i++) {
        sim.drain(serving.get(i).id(), false);
      }
    }
  }
}
