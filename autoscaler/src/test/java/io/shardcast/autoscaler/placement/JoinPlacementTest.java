package io.shardcast.autoscaler.placement;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class JoinPlacementTest {

  private static final double PER_VIEWER = 1 / 3000.0;
  private static final double PER_JOIN = 1 / 300.0;

  @Test
  void aBurstOfJoinsSpreadsOverTheNodesInsteadOfPilingOntoTheEmptiestOne() {
    double[] stress = {0.6, 0.6, 0.0}; // the third node has just been activated
    int[] credit = new int[3];
    boolean[] eligible = {true, true, true};
    for (int k = 0; k < 900; k++) {
      credit[JoinPlacement.choose(stress, credit, PER_VIEWER, PER_JOIN, eligible, 3)]++;
    }
    assertTrue(credit[2] < 300 + 1, "the new node took no more joins than it can in a second: " + credit[2]);
    assertTrue(credit[0] > 250 && credit[1] > 250, "the others took their share: " + java.util.Arrays.toString(credit));
  }

  @Test
  void standbyAndDrainingNodesAreNeverChosen() {
    double[] stress = {0.9, 0.0, 0.0};
    int[] credit = new int[3];
    boolean[] eligible = {true, false, false};
    for (int k = 0; k < 100; k++) {
      assertEquals(0, JoinPlacement.choose(stress, credit, PER_VIEWER, PER_JOIN, eligible, 3));
      credit[0]++;
    }
    assertEquals(-1, JoinPlacement.choose(stress, credit, PER_VIEWER, PER_JOIN, new boolean[3], 3));
  }
}
