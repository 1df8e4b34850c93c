package io.shardcast.autoscaler.policy;

import static io.shardcast.autoscaler.policy.Reports.active;
import static io.shardcast.autoscaler.policy.Reports.census;
import static io.shardcast.autoscaler.policy.Reports.standby;
import static io.shardcast.autoscaler.policy.Reports.starting;
import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.autoscaler.signal.NodeReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Capacity towards the targets: warm standbys first, starts for the rest. */
class ScaleOutTest {

  /** Two serving, three standbys (in the pool since 30 s, 10 s, 20 s) and one node starting. */
  static final Census NODES = census(60_000, active("a0", 60_000, 1000), active("a1", 60_000, 1000),
      standby("s30", 60_000, 30_000), standby("s10", 60_000, 10_000), standby("s20", 60_000, 20_000),
      starting("c0", 60_000));

  @Test
  void theLongestWarmStandbysServeFirst() {
    List<Action> actions = new ArrayList<>();
    ScaleOut.Activated after = ScaleOut.act(new Capacity(4, 6), NODES, actions);
    assertEquals(List.of(new Action.Activate("s10"), new Action.Activate("s20")), actions);
    assertEquals(4, after.serving());
    assertEquals(List.of("s30"), after.standby().stream().map(NodeReport::nodeId).toList());
  }

  @Test
  void startsTopThePoolUpToTheProvisionTargetCountingNodesAlreadyStarting() {
    List<Action> actions = new ArrayList<>();
    ScaleOut.act(new Capacity(4, 8), NODES, actions);
    assertEquals(List.of(new Action.Activate("s10"), new Action.Activate("s20"), new Action.Start(2)), actions);
  }

  @Test
  void atTheTargetsNothingMoves() {
    List<Action> actions = new ArrayList<>();
    ScaleOut.act(new Capacity(2, 5), NODES, actions);
    assertEquals(List.of(), actions);
  }
}
