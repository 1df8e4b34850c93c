package io.shardcast.autoscaler.policy;

/**
 * Interactions per viewer as they usually are, learnt away from sales over {@code sale.baseline-window}:
 * what a sale's expected burst multiplies.
 */
final class InteractionBaseline {

  private final double windowSeconds;
  private double eventsPerViewer = Double.NaN;

  InteractionBaseline(AutoscalerSettings settings) {
    this.windowSeconds = settings.saleBaselineWindow().toMillis() / 1000.0;
  }

  /** The learnt rate; until there is one, the rate of {@code demand}. */
  double perViewer(double[] demand) {
    return Double.isNaN(eventsPerViewer) ? Demand.eventsPerViewer(demand) : eventsPerViewer;
  }

  /** Moves the rate towards {@code demand}'s by one tick of {@code intervalSeconds} over the window. */
  void learn(double[] demand, double intervalSeconds) {
    if (demand[Demand.VIEWERS] > 0) {
      double alpha = Math.min(1, intervalSeconds / windowSeconds);
      double r = Demand.eventsPerViewer(demand);
      eventsPerViewer = Double.isNaN(eventsPerViewer) ? r : eventsPerViewer + alpha * (r - eventsPerViewer);
    }
  }
}
