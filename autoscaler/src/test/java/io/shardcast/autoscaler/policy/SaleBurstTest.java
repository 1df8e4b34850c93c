package io.shardcast.autoscaler.policy;

import static io.shardcast.autoscaler.policy.Reports.active;
import static io.shardcast.autoscaler.policy.Reports.census;
import static io.shardcast.autoscaler.policy.Reports.standby;
import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.autoscaler.signal.NodeReport;
import io.shardcast.autoscaler.signal.SaleWindow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An open sale's burst (defaults: 60 s): its interactions activate the standbys there were, and start nothing. */
class SaleBurstTest {

  static final long NOW = 130_000;
  /** 15,000 viewers (6 nodes' worth at 90%) and a burst of 150,000 events-in/s (17 nodes' worth). */
  static final double[] OVER_ACTIVATION = {15_000, 0, 150_000, 0, 0};
  /** The same over the cold start, whose interactions a burst already holds back. */
  static final double[] OVER_COLD_START = {15_000, 0, 0, 0, 0};
  static final SaleOutlook NOTHING_UPCOMING = new SaleOutlook(true, 0, 0, 0, 0, null);

  static SaleBurst burst(AutoscalerSettings settings) {
    return new SaleBurst(settings, new NodesNeeded(settings));
  }

  /** {@code serving} active nodes and the standbys named. */
  static Census nodes(int serving, String... standbys) {
    List<NodeReport> nodes = new ArrayList<>();
    for (int i = 0; i < serving; i++) {
      nodes.add(active("a" + i, NOW, 1500));
    }
    for (String s : standbys) {
      nodes.add(standby(s, NOW, 0));
    }
    return census(NOW, nodes.toArray(NodeReport[]::new));
  }

  @Test
  void aSaleIsInItsBurstFromItsRevealForSaleBurst() {
    SaleBurst b = burst(Reports.DEFAULTS);
    List<SaleWindow> sale = List.of(new SaleWindow("room", "sale", 100_000, false, Double.NaN));
    assertFalse(b.open(99_999, sale));
    assertTrue(b.open(100_000, sale));
    assertTrue(b.open(159_999, sale));
    assertFalse(b.open(160_000, sale), "after sale.burst its interactions count as any demand");
    assertFalse(b.open(120_000, List.of(new SaleWindow("room", "sale", 100_000, true, Double.NaN))), "sold out");
  }

  @Test
  void anOpenSalesInteractionsActivateTheStandbyThereWasButStartNoNode() {
    List<String> why = new ArrayList<>();
    Capacity capped = burst(Reports.DEFAULTS).cap(new Capacity(17, 17), true, false, nodes(10, "s0"),
        OVER_ACTIVATION, OVER_COLD_START, null, NOTHING_UPCOMING, why);
    assertEquals(new Capacity(11, 11), capped, "10 serving and 1 standby: the standby serves, nothing starts");
    assertEquals(List.of("sale open: its interactions take no more than the 11 nodes there were when its burst began",
        "sale open: its interactions start no node (6 would come after the burst)"), why);
  }

  @Test
  void theStandbyPoolRefilledDuringABurstIsNotTakenByIt() {
    SaleBurst b = burst(Reports.with("min-standby = 1"));
    Capacity first = b.cap(new Capacity(17, 17), true, false, nodes(10, "s0"), OVER_ACTIVATION, OVER_COLD_START,
        null, NOTHING_UPCOMING, new ArrayList<>());
    assertEquals(new Capacity(11, 12), first, "s0 serves and one start refills the pool");
    // s0 serves now and s1, started behind it, stands by: the burst takes no more.
    Capacity later = b.cap(new Capacity(17, 17), true, false, nodes(11, "s1"), OVER_ACTIVATION, OVER_COLD_START,
        null, NOTHING_UPCOMING, new ArrayList<>());
    assertEquals(new Capacity(11, 12), later);
  }

  @Test
  void aNodeOverThePanicStressLiftsTheRule() {
    Capacity target = new Capacity(17, 17);
    assertEquals(target, burst(Reports.DEFAULTS).cap(target, true, true, nodes(10, "s0"), OVER_ACTIVATION,
        OVER_COLD_START, null, NOTHING_UPCOMING, new ArrayList<>()));
  }

  @Test
  void aSaleAboutToOpenStillStartsItsNodesDuringAnothersBurst() {
    // Another room's sale opens within the cold-start horizon, expecting 90,000 events-in/s (10 nodes).
    SaleOutlook next = new SaleOutlook(true, 0, 90_000, 0, 90_000, null);
    Capacity capped = burst(Reports.DEFAULTS).cap(new Capacity(17, 17), true, false, nodes(10, "s0"),
        OVER_ACTIVATION, OVER_COLD_START, null, next, new ArrayList<>());
    assertEquals(new Capacity(11, 11), capped, "no more than serving + pool for the open sale alone");
    SaleOutlook bigger = new SaleOutlook(true, 0, 135_000, 0, 135_000, null);
    assertEquals(new Capacity(11, 15), burst(Reports.DEFAULTS).cap(new Capacity(17, 17), true, false,
        nodes(10, "s0"), OVER_ACTIVATION, OVER_COLD_START, null, bigger, new ArrayList<>()),
        "15 nodes' worth expected for the next sale: 4 start");
  }

  @Test
  void aLaterBurstCountsTheCapacityThereIsWhenItBegins() {
    SaleBurst b = burst(Reports.DEFAULTS);
    b.cap(new Capacity(17, 17), true, false, nodes(10, "s0"), OVER_ACTIVATION, OVER_COLD_START, null,
        NOTHING_UPCOMING, new ArrayList<>());
    Capacity outside = b.cap(new Capacity(17, 17), false, false, nodes(11), OVER_ACTIVATION, OVER_COLD_START, null,
        NOTHING_UPCOMING, new ArrayList<>());
    assertEquals(new Capacity(17, 17), outside, "no burst, no cap");
    Capacity next = b.cap(new Capacity(17, 17), true, false, nodes(11, "s1", "s2"), OVER_ACTIVATION,
        OVER_COLD_START, null, NOTHING_UPCOMING, new ArrayList<>());
    assertEquals(new Capacity(13, 13), next, "the next burst may take the two standbys there are when it begins");
  }
}
