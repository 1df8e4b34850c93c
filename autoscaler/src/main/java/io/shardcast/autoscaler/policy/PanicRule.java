package io.shardcast.autoscaler.policy;

import java.util.Locale;

/**
 * The panic rule, for spikes the forecast missed: a serving node above {@code panic.stress}, or
 * growth over the panic horizon of at least a node's worth that would multiply the need by
 * {@code panic.growth-factor}. Capacity is then sized from the short trend alone, and no capacity
 * goes for {@code panic.hold}.
 */
final class PanicRule {

  /** The series a spike shows in. */
  private static final int[] SPIKE_SERIES = {Demand.VIEWERS, Demand.EVENTS_IN, Demand.EVENTS_OUT};
  /** Every serving node is busy when even the least stressed is above this share of the target utilization. */
  private static final double BUSY_SHARE_OF_TARGET = 0.5;

  private final AutoscalerSettings settings;
  private final NodesNeeded nodes;
  private long panicUntilMillis = Long.MIN_VALUE;

  PanicRule(AutoscalerSettings settings, NodesNeeded nodes) {
    this.settings = settings;
    this.nodes = nodes;
  }

  /** Judges this tick; {@code need} is the forecast's need, raised when the rule fires. */
  Panic assess(long now, Census census, DemandForecasts forecasts, Horizons h, Capacity need, boolean saleNear) {
    boolean stressPanic = census.maxStress() > settings.panicStress();
    boolean growthPanic = false;
    for (int r : SPIKE_SERIES) {
      if (saleNear && r == Demand.EVENTS_IN) {
        continue; // the calendar expects this burst and sized for it: not a spike the forecast missed
      }
      double level = forecasts.of(r).level();
      double growth = forecasts.of(r).shortTrend() * h.panic();
      double node = settings.safeLoad().additive(r) * settings.targetUtilization();
      if (growth >= node && growth >= (settings.panicGrowthFactor() - 1) * level) {
        growthPanic = true;
      }
    }
    if (!stressPanic && !growthPanic) {
      return new Panic(false, now < panicUntilMillis, need, null, null);
    }
    panicUntilMillis = now + settings.panicHold().toMillis();
    double[] overActivation = new double[Demand.COUNT];
    double[] overPanic = new double[Demand.COUNT];
    for (int i = 0; i < Demand.COUNT; i++) {
      double level = forecasts.of(i).level();
      double trend = forecasts.of(i).shortTrend() * settings.panicGrowthFactor();
      overActivation[i] = level + trend * h.activation();
      overPanic[i] = level + trend * h.panic();
    }
    int active = Math.max(need.active(), nodes.atTarget(overActivation));
    if (stressPanic && census.activating() == 0
        && census.minActiveStress() > settings.targetUtilization() * BUSY_SHARE_OF_TARGET) {
      // Every serving node is busy: new joins need somewhere else to go (one node at a time,
      // since the hot node's viewers stay where they are).
      active = Math.max(active, census.serving() + 1);
    }
    int provision = Math.max(need.provision(),
        Math.max(active + settings.minStandby(), nodes.atTarget(overPanic)));
    String why = stressPanic
        ? String.format(Locale.ROOT, "PANIC: %s at stress %.2f", census.hottest(), census.maxStress())
        : "PANIC: demand would double within " + Math.round(h.panic()) + "s";
    return new Panic(stressPanic, now < panicUntilMillis, new Capacity(active, provision), overPanic, why);
  }

  /**
   * While a spike still grows, every warm standby serves as soon as it is ready. A standby costs the
   * same node-hours serving or waiting, and one held back for the activation horizon's forecast let
   * the nodes that serve run over their safe load while it waited. The pool is refilled behind them,
   * as after any activation.
   */
  Capacity everyStandbyServes(Capacity target, Census census) {
    int active = Math.max(target.active(), census.serving() + census.standby().size());
    int provision = Math.max(target.provision(), Math.min(settings.maxNodes(), active + settings.minStandby()));
    return new Capacity(active, provision);
  }
}
