package io.shardcast.autoscaler.policy;

import io.shardcast.autoscaler.signal.Observation;
import io.shardcast.autoscaler.signal.OperatorHold;
import io.shardcast.autoscaler.signal.SaleWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The autoscaling policy: from one tick's observation to the capacity it wants and the actions that
 * get there. One implementation, used by the cluster singleton and by the simulator.
 *
 * <p>Active nodes are sized for the demand forecast over the time a standby needs to serve; all
 * nodes (active, standby, starting) for the forecast over a cold start, with headroom. Announced
 * flash sales add their expected interaction burst ahead of {@code revealAt} ({@link SalePrewarm});
 * for {@code sale.burst} after it opens, a sale's interactions start no node and take no more
 * standbys than were there when the burst began ({@link SaleBurst}). A panic rule covers spikes the
 * forecast missed ({@link PanicRule}). Capacity goes only after the need stayed lower for a whole
 * window, never around a sale ({@link ScaleInWindow}), and in waves that wait for the previous
 * drains ({@link ScaleInWave}).
 *
 * <p>Actions are derived from the observed nodes every tick (level-triggered): a node already
 * starting or activating counts, so a repeated tick, or a singleton that moved, does not repeat them.
 */
public final class ScalingPolicy {

  private final AutoscalerSettings settings;
  private final StartupTimes startup;
  private final DemandForecasts forecasts;
  private final SaleClosings closings = new SaleClosings();
  private final SalePrewarm prewarm;
  private final SaleBurst burst;
  private final PanicRule panicRule;
  private final ScaleInWindow window;
  private final HotNodeShedding shedding;
  private final ScaleInWave scaleIn;
  private final NodesNeeded nodes;

  public ScalingPolicy(AutoscalerSettings settings, StartupTimes startup) {
    this.settings = settings;
    this.startup = startup;
    this.forecasts = new DemandForecasts(settings);
    this.nodes = new NodesNeeded(settings);
    this.prewarm = new SalePrewarm(settings, nodes);
    this.burst = new SaleBurst(settings, nodes);
    this.panicRule = new PanicRule(settings, nodes);
    this.window = new ScaleInWindow(settings);
    this.shedding = new HotNodeShedding(settings);
    this.scaleIn = new ScaleInWave(settings);
  }

  public StartupTimes startupTimes() {
    return startup;
  }

  public AutoscalerSettings settings() {
    return settings;
  }

  public Plan decide(Observation o) {
    long now = o.nowMillis();
    List<String> why = new ArrayList<>();
    Census census = Census.of(o, settings, why);
    for (SaleWindow sale : closings.closedNow(now, o.sales())) {
      // The burst is over and known to be: forecasts and the scale-in window start again from
      // what follows, rather than holding the burst's capacity for another window.
      window.restart();
      forecasts.forgetInteractions();
      why.add("sale " + sale.roomId() + "/" + sale.saleId() + " closed");
    }
    forecasts.observe(now / 1000.0, census.demand());

    Horizons h = Horizons.of(settings, startup);
    double[] overActivation = forecasts.at(h.activation());
    double[] overColdStart = forecasts.at(h.provision());
    boolean saleOpen = burst.open(now, o.sales());
    if (saleOpen) {
      // Nodes started now would come after the burst, so its interactions do not start any (they may
      // still activate standbys).
      overColdStart[Demand.EVENTS_IN] = 0;
    }
    Capacity forecastNeed = nodes.forForecast(overActivation, overColdStart);
    SaleOutlook sales = prewarm.outlook(now, o.sales(), census.demand(), forecasts, h);
    Panic panic = panicRule.assess(now, census, forecasts, h, forecastNeed, sales.near());
    if (panic.why() != null) {
      why.add(panic.why());
    }
    Capacity organic = panic.need().cappedAt(settings.maxNodes());
    Capacity held = window.held(now, organic);
    Capacity need = prewarm.need(sales, organic, overActivation, overColdStart);
    if (sales.why() != null) {
      why.add(sales.why());
    }

    boolean rising = forecasts.rising();
    OperatorHold hold = o.hold() != null && o.hold().inForce(now) ? o.hold() : null;
    boolean mayScaleIn;
    Capacity target;
    if (hold == null) {
      mayScaleIn = window.allows(now, sales.near(), panic.inForce(), rising, census.draining());
      target = ScaleInWindow.hold(need, held, census, mayScaleIn);
    } else {
      // The operator's number is a floor that also stands for the window: capacity above it goes by
      // the usual waves, without waiting a whole window, and never around a sale.
      mayScaleIn = window.allowsOrdered(now, sales.near(), panic.inForce(), rising, census.draining());
      Capacity floor = need.atLeastActive(Math.min(hold.active(), settings.maxNodes()));
      target = ScaleInWindow.hold(floor, floor, census, mayScaleIn);
      why.add("operator " + hold.by() + " holds at least " + hold.active() + " active");
    }
    if (panic.inForce() && rising) {
      target = panicRule.everyStandbyServes(target, census);
    }
    target = burst.cap(target.provisioningActive(), saleOpen, panic.stress(), census, overActivation, overColdStart,
        panic.provisionDemand(), sales, why);

    List<Action> actions = new ArrayList<>();
    shedding.shed(census.active(), actions);
    ScaleOut.Activated activated = ScaleOut.act(target, census, actions);
    boolean afterSale = closings.closedWithin(now, settings.scaleInWindow().toMillis());
    if (mayScaleIn && scaleIn.plan(target, census, activated, afterSale, actions, why)) {
      window.scaledIn(now);
    }
    return new Plan(now, target.active(), target.provision(), census.maxStress(), panic.inForce(), actions,
        reason(census, need, h, activated, why));
  }

  /** One line a human reads: the demand, the forecast's need and horizons, the nodes, and why. */
  private String reason(Census census, Capacity need, Horizons h, ScaleOut.Activated activated, List<String> why) {
    double[] demand = census.demand();
    return String.format(Locale.ROOT,
        "viewers %.0f (%+.0f/s), events-in %.0f/s; need %d active in %.1fs, %d nodes in %.1fs; serving %d, standby %d, starting %d%s%s",
        demand[Demand.VIEWERS], forecasts.of(Demand.VIEWERS).trend(), demand[Demand.EVENTS_IN],
        need.active(), h.activation(), need.provision(), h.provision(), census.serving(), activated.standby().size(),
        census.starting(), why.isEmpty() ? "" : "; ", String.join("; ", why));
  }
}
