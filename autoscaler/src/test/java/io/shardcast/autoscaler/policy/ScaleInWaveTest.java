package io.shardcast.autoscaler.policy;

import static io.shardcast.autoscaler.policy.Reports.active;
import static io.shardcast.autoscaler.policy.Reports.census;
import static io.shardcast.autoscaler.policy.Reports.standby;
import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.autoscaler.signal.NodeLoad;
import io.shardcast.autoscaler.signal.NodeReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One scale-in wave (defaults: at most half the excess, 2 s of the staying nodes' safe joins). */
class ScaleInWaveTest {

  static final ScaleInWave WAVE = new ScaleInWave(Reports.DEFAULTS);

  /** Six active nodes of {@code viewers} each; node i started at i seconds, so n5 is the youngest. */
  static Census six(int viewers) {
    NodeReport[] nodes = new NodeReport[6];
    for (int i = 0; i < 6; i++) {
      nodes[i] = active("n" + i, 100_000, i * 1000L, NodeLoad.of(viewers, 0, 0));
    }
    return census(100_000, nodes);
  }

  static List<Action> wave(Capacity target, Census census, boolean afterSale, List<String> why) {
    List<Action> actions = new ArrayList<>();
    boolean any = WAVE.plan(target, census, new ScaleOut.Activated(census.serving(), census.standby()), afterSale,
        actions, why);
    assertEquals(!actions.isEmpty(), any);
    return actions;
  }

  @Test
  void theYoungestNodesDrainFirstAndAWaveTakesAtMostHalfTheExcess() {
    assertEquals(List.of(new Action.Drain("n5", false), new Action.Drain("n4", false)),
        wave(new Capacity(2, 2), six(100), false, new ArrayList<>()));
  }

  @Test
  void justAfterASaleClosedItsWholeExcessGoesInOneWave() {
    assertEquals(List.of(new Action.Drain("n5", false), new Action.Drain("n4", false), new Action.Drain("n3", false),
        new Action.Drain("n2", false)), wave(new Capacity(2, 2), six(100), true, new ArrayList<>()));
  }

  @Test
  void aDrainedNodeStandsByWhileThePoolWantsOne() {
    assertEquals(List.of(new Action.Drain("n5", true), new Action.Drain("n4", false)),
        wave(new Capacity(2, 3), six(100), false, new ArrayList<>()));
  }

  @Test
  void aWaveSendsBackNoMoreViewersThanTheStayingNodesTakeButItsFirstNodeAlwaysGoes() {
    // Two nodes' 4,000 viewers against four staying nodes' 4 x 270 joins/s x 2 s = 2,160.
    List<String> why = new ArrayList<>();
    assertEquals(List.of(new Action.Drain("n5", false)), wave(new Capacity(2, 2), six(2000), false, why));
    assertEquals(List.of("scale-in wave of 1, not 2: one more would send 4000 viewers back, more than the staying "
        + "nodes take in 2s (2160)"), why);
  }

  @Test
  void surplusStandbysRetireTheNewestFirst() {
    Census nodes = census(100_000, active("a0", 100_000, 1000), active("a1", 100_000, 1000),
        standby("s1", 100_000, 1000), standby("s2", 100_000, 4000), standby("s3", 100_000, 2000),
        standby("s4", 100_000, 3000));
    // The pool wants one of four: half the excess of three goes now.
    assertEquals(List.of(new Action.Retire("s2"), new Action.Retire("s4")),
        wave(new Capacity(2, 3), nodes, false, new ArrayList<>()));
  }

  @Test
  void atTheTargetsNothingGoes() {
    assertEquals(List.of(), wave(new Capacity(6, 6), six(100), false, new ArrayList<>()));
  }
}
