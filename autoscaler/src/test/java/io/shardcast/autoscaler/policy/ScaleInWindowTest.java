package io.shardcast.autoscaler.policy;

import static io.shardcast.autoscaler.policy.Reports.active;
import static io.shardcast.autoscaler.policy.Reports.census;
import static io.shardcast.autoscaler.policy.Reports.standby;
import static io.shardcast.autoscaler.policy.Reports.starting;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** When capacity may go (defaults: a 60 s window, a 10 s step), and down to what. */
class ScaleInWindowTest {

  /** A window that saw 5 active / 6 nodes needed at 0 s, then 2 / 2 every second up to {@code last}. */
  static ScaleInWindow needFellAtOneSecond(int last) {
    ScaleInWindow w = new ScaleInWindow(Reports.DEFAULTS);
    w.held(0, new Capacity(5, 6));
    for (int t = 1; t <= last; t++) {
      w.held(t * 1000L, new Capacity(2, 2));
    }
    return w;
  }

  static boolean allowsAlone(ScaleInWindow w, long now) {
    return w.allows(now, false, false, false, 0);
  }

  @Test
  void capacityGoesOnlyOnceTheNeedStayedLowerForAWholeWindow() {
    ScaleInWindow w = needFellAtOneSecond(59);
    assertFalse(allowsAlone(w, 59_000), "59 s of ticks is not a whole window");
    assertEquals(new Capacity(5, 6), w.held(60_000, new Capacity(2, 2)), "the need of 60 s ago still counts");
    assertTrue(allowsAlone(w, 60_000));
    assertEquals(new Capacity(2, 2), w.held(61_000, new Capacity(2, 2)));
  }

  @Test
  void afterAScaleInTheNextWaveWaitsAStep() {
    ScaleInWindow w = needFellAtOneSecond(70);
    w.scaledIn(70_000);
    assertFalse(allowsAlone(w, 79_999));
    assertTrue(allowsAlone(w, 80_000));
  }

  @Test
  void noCapacityGoesAroundASaleInAPanicWhileDemandGrowsOrWhileADrainIsUnderWay() {
    ScaleInWindow w = needFellAtOneSecond(70);
    assertTrue(w.allows(70_000, false, false, false, 0));
    assertFalse(w.allows(70_000, true, false, false, 0), "a sale near or open");
    assertFalse(w.allows(70_000, false, true, false, 0), "a panic in force");
    assertFalse(w.allows(70_000, false, false, true, 0), "demand growing");
    assertFalse(w.allows(70_000, false, false, false, 1), "a drain under way");
  }

  @Test
  void untilCapacityMayGoWhatServesOrIsOnItsWayStays() {
    Census nodes = census(0, active("a0", 0, 500), active("a1", 0, 500), active("a2", 0, 500),
        standby("s0", 0, 0), starting("c0", 0));
    Capacity low = new Capacity(1, 1);
    assertEquals(new Capacity(3, 5), ScaleInWindow.hold(low, new Capacity(2, 2), nodes, false));
    assertEquals(new Capacity(2, 2), ScaleInWindow.hold(low, new Capacity(2, 2), nodes, true),
        "no lower than the window's need");
    assertEquals(new Capacity(4, 6), ScaleInWindow.hold(new Capacity(4, 6), new Capacity(2, 2), nodes, false),
        "a need above what there is passes");
  }

  @Test
  void aClosedSalesCapacityIsNotHeldForAnotherWindow() {
    ScaleInWindow w = new ScaleInWindow(Reports.DEFAULTS);
    w.held(0, new Capacity(20, 20));
    w.restart();
    assertEquals(new Capacity(2, 2), w.held(1_000, new Capacity(2, 2)));
  }
}
