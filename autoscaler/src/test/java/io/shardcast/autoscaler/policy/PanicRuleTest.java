package io.shardcast.autoscaler.policy;

import static io.shardcast.autoscaler.policy.Reports.active;
import static io.shardcast.autoscaler.policy.Reports.census;
import static io.shardcast.autoscaler.policy.Reports.standby;
import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.autoscaler.signal.NodeLoad;
import org.junit.jupiter.api.Test;

/** The panic rule on spikes the forecast missed (defaults: stress 0.95, 15 s horizon, 60 s hold). */
class PanicRuleTest {

  static final Horizons HORIZONS = Horizons.of(Reports.DEFAULTS, new StartupTimes(
      Reports.DEFAULTS.activationPrior(), Reports.DEFAULTS.coldStartPrior(), Reports.DEFAULTS.startupSamples()));

  static PanicRule rule(AutoscalerSettings settings) {
    return new PanicRule(settings, new NodesNeeded(settings));
  }

  /** Forecasts that saw {@code seconds} seconds of viewers and events-in growing from a level at a rate. */
  static DemandForecasts watched(int seconds, double viewers, double viewersPerSecond, double events,
      double eventsPerSecond) {
    DemandForecasts f = new DemandForecasts(Reports.DEFAULTS);
    for (int t = 0; t < seconds; t++) {
      f.observe(t, new double[] {viewers + t * viewersPerSecond, 0, events + t * eventsPerSecond, 0, 0});
    }
    return f;
  }

  @Test
  void aNodeOverThePanicStressPanicsAndHoldsScaleInOffForThePanicHold() {
    PanicRule rule = rule(Reports.DEFAULTS);
    DemandForecasts steady = watched(30, 4800, 0, 0, 0);
    Panic hot = rule.assess(30_000, census(30_000, active("a0", 30_000, 2910), active("a1", 30_000, 1890)),
        steady, HORIZONS, new Capacity(2, 3), false);
    assertTrue(hot.stress());
    assertTrue(hot.inForce());
    assertEquals("PANIC: a0 at stress 0.97", hot.why());

    Census calm = census(89_999, active("a0", 89_999, 1500), active("a1", 89_999, 1500));
    Panic held = rule.assess(89_999, calm, steady, HORIZONS, new Capacity(2, 3), false);
    assertTrue(held.inForce(), "no scale-in within the 60 s hold");
    assertNull(held.why(), "not set off again");
    assertFalse(rule.assess(90_000, calm, steady, HORIZONS, new Capacity(2, 3), false).inForce());
  }

  @Test
  void aStressPanicAsksForOneMoreServingNodeOnlyWhenEveryServingNodeIsBusy() {
    // The 4,800 viewers fit two nodes at 90%, but both are busy (0.97 and 0.63 > 0.45): joins need a third.
    Panic busy = rule(Reports.DEFAULTS).assess(30_000,
        census(30_000, active("a0", 30_000, 2910), active("a1", 30_000, 1890)),
        watched(30, 4800, 0, 0, 0), HORIZONS, new Capacity(2, 3), false);
    assertEquals(new Capacity(3, 3), busy.need());
    // One node hot and the other at 0.3: joins go to the other one.
    Panic oneHot = rule(Reports.DEFAULTS).assess(30_000,
        census(30_000, active("a0", 30_000, 2910), active("a1", 30_000, 900)),
        watched(30, 3810, 0, 0, 0), HORIZONS, new Capacity(2, 3), false);
    assertTrue(oneHot.stress());
    assertEquals(new Capacity(2, 3), oneHot.need());
  }

  @Test
  void growthThatWouldDoubleTheNeedWithinTheHorizonPanicsAndSizesForTheSpike() {
    // +300 viewers/s from 1,000: 4,500 more within 15 s on a level of 3,700, well over a node's worth.
    DemandForecasts spike = watched(10, 1000, 300, 0, 0);
    Census nodes = census(10_000, active("a0", 10_000, 1850), active("a1", 10_000, 1850));
    Panic p = rule(Reports.DEFAULTS).assess(10_000, nodes, spike, HORIZONS, new Capacity(2, 3), false);
    assertFalse(p.stress());
    assertTrue(p.inForce());
    assertEquals("PANIC: demand would double within 15s", p.why());
    // Sized on twice the short trend: 3,700 + 600/s over the 3 s and the 15 s horizons (3 and 5 nodes).
    assertEquals(new Capacity(3, 5), p.need());
    assertEquals(3700 + 600 * 15, p.provisionDemand()[Demand.VIEWERS], 1e-6);
  }

  @Test
  void interactionsGrowingBeforeASaleOpensAreTheCalendarsNotAPanic() {
    // Events-in +3,000/s: a spike, unless a sale is near (the calendar sized for its burst).
    DemandForecasts runUp = watched(10, 2000, 0, 1000, 3000);
    Census nodes = census(10_000,
        active("a0", 10_000, 0, NodeLoad.of(1000, 0, 1000)), active("a1", 10_000, 0, NodeLoad.of(1000, 0, 1000)));
    assertTrue(rule(Reports.DEFAULTS).assess(10_000, nodes, runUp, HORIZONS, new Capacity(2, 3), false).inForce());
    assertFalse(rule(Reports.DEFAULTS).assess(10_000, nodes, runUp, HORIZONS, new Capacity(2, 3), true).inForce());
  }

  @Test
  void whileASpikeStillGrowsEveryStandbyServesAndThePoolIsRefilledBehindThem() {
    Census nodes = census(0, active("a0", 0, 2000), active("a1", 0, 2000),
        standby("s0", 0, 0), standby("s1", 0, 0), standby("s2", 0, 0));
    assertEquals(new Capacity(5, 5), rule(Reports.DEFAULTS).everyStandbyServes(new Capacity(2, 5), nodes));
    assertEquals(new Capacity(5, 6),
        rule(Reports.with("min-standby = 1")).everyStandbyServes(new Capacity(2, 5), nodes));
    assertEquals(new Capacity(5, 5), rule(Reports.with("min-standby = 1\nmax-nodes = 5"))
        .everyStandbyServes(new Capacity(2, 5), nodes), "never past max-nodes");
  }
}
