package io.shardcast.autoscaler.policy;

import io.shardcast.autoscaler.signal.SaleWindow;
import java.util.List;

/**
 * An open sale's burst, for {@code sale.burst} after its {@code revealAt}: it is served by the
 * capacity raised for it. Its interactions start no node (one started now would serve after the
 * burst) and activate no more than the capacity there was when the burst began, so the
 * {@code min-standby} pool refilled behind the standbys they took stays warm rather than being taken
 * by the same burst, one start after another. A node actually overloaded (a stress panic) lifts the rule.
 */
final class SaleBurst {

  private final AutoscalerSettings settings;
  private final NodesNeeded nodes;
  /** Capacity serving, warm or on its way when the open sales' burst began; -1 outside a burst. */
  private int burstCapacity = -1;

  SaleBurst(AutoscalerSettings settings, NodesNeeded nodes) {
    this.settings = settings;
    this.nodes = nodes;
  }

  /** Whether a sale of {@code sales} is in its burst at {@code now}. */
  boolean open(long now, List<SaleWindow> sales) {
    long burstMillis = settings.saleBurst().toMillis();
    boolean open = false;
    for (SaleWindow sale : sales) {
      if (!sale.closed() && sale.revealAtMillis() <= now && now - sale.revealAtMillis() < burstMillis) {
        open = true;
      }
    }
    return open;
  }

  /**
   * {@code target} capped during a burst so its interactions start no node by any route: not by the
   * cold-start forecast (held back before this), the active need over the activation horizon, or a
   * growth panic's trend ({@code panicProvision}, when one fired now). Warm standbys still serve as
   * soon as interactions need them, and nodes still start for viewers, joins, egress, sales not yet
   * open ({@code outlook}) and the standby pool. Each cap is named in {@code why}.
   */
  Capacity cap(Capacity target, boolean open, boolean stressPanic, Census census, double[] overActivation,
      double[] overColdStart, double[] panicProvision, SaleOutlook outlook, List<String> why) {
    int serving = census.serving();
    if (!open) {
      burstCapacity = -1;
    } else if (burstCapacity < 0) {
      burstCapacity = serving + census.standby().size() + census.starting();
    }
    if (!open || stressPanic) {
      return target;
    }
    int active = target.active();
    int provision = target.provision();
    // The burst may take the capacity there was when it began, not the pool refilled behind it.
    int activeCap = Math.max(serving, Math.max(quietActive(overActivation, outlook.upcomingActiveEvents()),
        burstCapacity));
    if (active > activeCap) {
      why.add("sale open: its interactions take no more than the " + burstCapacity
          + " nodes there were when its burst began");
      active = activeCap;
    }
    int quiet = quietProvision(overActivation, overColdStart, panicProvision, outlook.upcomingActiveEvents(),
        outlook.upcomingProvisionEvents());
    int refill = settings.minStandby() > 0
        ? Math.min(active, serving + census.standby().size()) + settings.minStandby() : 0;
    int cap = Math.max(Math.min(settings.maxNodes(), Math.max(quiet, refill)), serving + census.pool());
    if (provision > cap) {
      why.add("sale open: its interactions start no node (" + (provision - cap) + " would come after the burst)");
      provision = cap;
      active = Math.min(active, provision);
    }
    return new Capacity(active, provision);
  }

  /**
   * Active nodes needed over the activation horizon while a sale is open, counting no interaction
   * but those expected for sales not yet open.
   */
  private int quietActive(double[] overActivation, double upcomingActive) {
    double[] a = overActivation.clone();
    a[Demand.EVENTS_IN] = upcomingActive;
    return Math.max(settings.minActive(), nodes.atTarget(a));
  }

  /**
   * All nodes needed while a sale is open, counting no interaction but those expected for sales not
   * yet open: {@link #quietActive} plus the standby pool, the cold-start horizon with headroom, and a
   * growth panic's trend when one fired this tick ({@code panicProvision}).
   */
  private int quietProvision(double[] overActivation, double[] overColdStart, double[] panicProvision,
      double upcomingActive, double upcomingProvision) {
    double[] p = overColdStart.clone();
    p[Demand.EVENTS_IN] = 0;
    int n = Math.max(quietActive(overActivation, upcomingActive) + settings.minStandby(),
        Math.max(nodes.atTarget(p), nodes.withHeadroom(p)));
    p[Demand.EVENTS_IN] = upcomingProvision;
    n = Math.max(n, nodes.atTarget(p));
    if (panicProvision != null) {
      double[] q = panicProvision.clone();
      q[Demand.EVENTS_IN] = upcomingProvision;
      n = Math.max(n, nodes.atTarget(q));
    }
    return n;
  }
}
