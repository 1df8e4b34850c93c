package io.shardcast.autoscaler.policy;

import io.shardcast.autoscaler.signal.SaleWindow;
import java.util.List;
import java.util.Locale;

/**
 * Pre-warming for announced flash sales: capacity for a sale's expected interaction burst (its
 * multiplier times the usual interactions per viewer times the viewers forecast at its opening) is
 * serving {@code sale.lead} before {@code revealAt}.
 */
final class SalePrewarm {

  private final AutoscalerSettings settings;
  private final NodesNeeded nodes;
  private final InteractionBaseline baseline;

  SalePrewarm(AutoscalerSettings settings, NodesNeeded nodes) {
    this.settings = settings;
    this.nodes = nodes;
    this.baseline = new InteractionBaseline(settings);
  }

  /** The bursts the calendar expects; away from sales, the usual interaction rate is learnt. */
  SaleOutlook outlook(long now, List<SaleWindow> sales, double[] demand, DemandForecasts forecasts, Horizons h) {
    boolean near = false;
    double activeEvents = 0;
    double provisionEvents = 0;
    // The same, for sales that have not opened yet (what an open sale must not hold back).
    double upcomingActiveEvents = 0;
    double upcomingProvisionEvents = 0;
    String why = null;
    long leadMillis = settings.saleLead().toMillis();
    for (SaleWindow sale : sales) {
      if (sale.closed()) {
        continue;
      }
      long untilReveal = sale.revealAtMillis() - now;
      if (untilReveal > leadMillis + (long) (h.provision() * 1000) + settings.scaleInWindow().toMillis()) {
        continue;
      }
      near = true;
      double multiplier = Double.isNaN(sale.interactionMultiplier())
          ? settings.saleInteractionMultiplier() : sale.interactionMultiplier();
      double perViewer = baseline.perViewer(demand);
      double viewersAtReveal = forecasts.of(Demand.VIEWERS).forecast(Math.max(0, untilReveal / 1000.0));
      double burst = multiplier * perViewer * viewersAtReveal;
      if (untilReveal <= leadMillis + (long) (h.provision() * 1000)) {
        provisionEvents = Math.max(provisionEvents, burst);
        if (untilReveal > 0) {
          upcomingProvisionEvents = Math.max(upcomingProvisionEvents, burst);
        }
      }
      if (untilReveal <= leadMillis + (long) (h.activation() * 1000)) {
        activeEvents = Math.max(activeEvents, burst);
        if (untilReveal > 0) {
          upcomingActiveEvents = Math.max(upcomingActiveEvents, burst);
        }
      }
      why = String.format(Locale.ROOT, "sale %s/%s in %ds: expect %.0f events-in/s",
          sale.roomId(), sale.saleId(), untilReveal / 1000, burst);
    }
    if (!near) {
      baseline.learn(demand, h.interval());
    }
    return new SaleOutlook(near, activeEvents, provisionEvents, upcomingActiveEvents, upcomingProvisionEvents, why);
  }

  /**
   * {@code need} raised so the expected bursts are carried at the target utilization: active nodes
   * for the burst within the activation horizon, all nodes for the one within the cold-start horizon.
   */
  Capacity need(SaleOutlook outlook, Capacity need, double[] overActivation, double[] overColdStart) {
    if (!(outlook.activeEvents() > 0 || outlook.provisionEvents() > 0)) {
      return need;
    }
    double[] a = overActivation.clone();
    a[Demand.EVENTS_IN] = Math.max(a[Demand.EVENTS_IN], outlook.activeEvents());
    double[] p = overColdStart.clone();
    p[Demand.EVENTS_IN] = Math.max(p[Demand.EVENTS_IN], outlook.provisionEvents());
    int active = Math.max(need.active(), nodes.atTarget(a));
    int provision = Math.max(need.provision(), Math.max(active + settings.minStandby(), nodes.atTarget(p)));
    return new Capacity(active, provision).cappedAt(settings.maxNodes());
  }
}
