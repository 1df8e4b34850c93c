package io.shardcast.autoscaler.policy;

import static io.shardcast.autoscaler.policy.Reports.active;
import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.autoscaler.signal.NodeReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A node that took a burst sheds its viewers above the target (defaults: 3,000 safe, 90%, 300 joins/s). */
class HotNodeSheddingTest {

  static List<Action> shed(NodeReport... active) {
    List<Action> actions = new ArrayList<>();
    new HotNodeShedding(Reports.DEFAULTS).shed(List.of(active), actions);
    return actions;
  }

  @Test
  void aNodeOverItsSafeViewersShedsNoFasterThanTheOtherNodesTakeJoins() {
    // 900 over the target, room for 3,400 on the others, but they take half their 2 x 300 joins/s.
    assertEquals(List.of(new Action.Shed("hot", 300)),
        shed(active("hot", 0, 3600), active("a1", 0, 1000), active("a2", 0, 1000)));
  }

  @Test
  void aNodeShedsNoMoreThanTheOthersHaveRoomFor() {
    // 2,680 and 2,650 against a target of 2,700: room for 70.
    assertEquals(List.of(new Action.Shed("hot", 70)),
        shed(active("hot", 0, 3600), active("a1", 0, 2680), active("a2", 0, 2650)));
  }

  @Test
  void aNodeAtItsSafeLoadOrAloneShedsNothing() {
    assertEquals(List.of(), shed(active("full", 0, 3000), active("a1", 0, 1000)));
    assertEquals(List.of(), shed(active("alone", 0, 3600)), "nowhere to go");
  }
}
