package io.shardcast.autoscaler.policy;

import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.autoscaler.signal.SaleWindow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Capacity for an announced sale's burst, second by second before it opens (defaults: 3 s and 15 s horizons). */
class SalePrewarmTest {

  static final long REVEAL_AT = 300_000;
  static final int VIEWERS = 6000;
  static final SaleWindow SALE = new SaleWindow("room", "sale", REVEAL_AT, false, Double.NaN);

  /** A steady audience of 6,000 viewers, ticking once a second, that the rule watches. */
  static final class Audience {
    final SalePrewarm prewarm = new SalePrewarm(Reports.DEFAULTS, new NodesNeeded(Reports.DEFAULTS));
    final DemandForecasts forecasts = new DemandForecasts(Reports.DEFAULTS);
    final Horizons horizons = Horizons.of(Reports.DEFAULTS, new StartupTimes(Reports.DEFAULTS.activationPrior(),
        Reports.DEFAULTS.coldStartPrior(), Reports.DEFAULTS.startupSamples()));
    double[] demand;

    SaleOutlook tick(int second, double eventsPerViewer, SaleWindow sale) {
      demand = new double[] {VIEWERS, 0, VIEWERS * eventsPerViewer, 0, 0};
      forecasts.observe(second, demand);
      return prewarm.outlook(second * 1000L, List.of(sale), demand, forecasts, horizons);
    }

    /** The ticks up to and including {@code last}, at the usual half an interaction per viewer a second. */
    SaleOutlook until(int last, SaleWindow sale) {
      SaleOutlook o = null;
      for (int t = 0; t <= last; t++) {
        o = tick(t, 0.5, sale);
      }
      return o;
    }

    Capacity need(SaleOutlook o, Capacity organic) {
      return prewarm.need(o, organic, forecasts.at(horizons.activation()), forecasts.at(horizons.provision()));
    }
  }

  @Test
  void aSalesBurstStartsNodesAColdStartAheadAndActivatesThemItsLeadBeforeItOpens() {
    Audience a = new Audience();
    // 50x half an interaction per viewer, for 6,000 viewers: 150,000 events-in/s, 17 nodes at 90%.
    SaleOutlook early = a.until(279, SALE);
    assertTrue(early.near(), "21 s before it opens the sale holds scale-in");
    assertEquals(0, early.provisionEvents(), "nothing is started more than lead + cold start (20 s) ahead");
    assertEquals(new Capacity(3, 4), a.need(early, new Capacity(3, 4)));

    SaleOutlook coldStartAhead = a.tick(280, 0.5, SALE);
    assertEquals(150_000, coldStartAhead.provisionEvents(), 1e-6);
    assertEquals(0, coldStartAhead.activeEvents(), "standbys are not activated yet");
    assertEquals(new Capacity(3, 17), a.need(coldStartAhead, new Capacity(3, 4)), coldStartAhead.why());

    a.until(290, SALE);
    assertEquals(0, a.tick(291, 0.5, SALE).activeEvents(), "9 s before: still standing by");
    SaleOutlook serving = a.tick(292, 0.5, SALE);
    assertEquals(150_000, serving.activeEvents(), 1e-6, "lead + activation (8 s) before it opens, they serve");
    assertEquals(new Capacity(17, 17), a.need(serving, new Capacity(3, 4)));
    assertEquals("sale room/sale in 8s: expect 150000 events-in/s", serving.why());
  }

  @Test
  void earlyClicksBeforeASaleDoNotInflateTheBurstItIsSizedFor() {
    Audience a = new Audience();
    a.until(219, SALE); // the usual rate, learnt while no sale is near
    SaleOutlook o = null;
    for (int t = 220; t <= 280; t++) {
      o = a.tick(t, 2.0, SALE); // four times the usual interactions in the sale's run-up
    }
    assertEquals(150_000, o.provisionEvents(), 1e-6, "sized on the usual rate, not the run-up's: " + o.why());
  }

  @Test
  void aSalesOwnMultiplierReplacesTheConfiguredOne() {
    Audience a = new Audience();
    SaleWindow tenfold = new SaleWindow("room", "sale", REVEAL_AT, false, 10);
    assertEquals(30_000, a.until(292, tenfold).activeEvents(), 1e-6);
  }

  @Test
  void aClosedSaleHoldsNothing() {
    Audience a = new Audience();
    SaleOutlook o = a.until(292, new SaleWindow("room", "sale", REVEAL_AT, true, Double.NaN));
    assertFalse(o.near());
    assertEquals(0, o.activeEvents());
    assertNull(o.why());
  }
}
