package io.shardcast.autoscaler.placement;

/**
 * Where a viewer's join goes: the serving node with the least stress, counting the joins it was
 * given since its last report as viewers it already has (the credit), so a burst of joins between
 * two reports spreads over the nodes instead of piling onto the one that looked emptiest.
 */
public final class JoinPlacement {

  private JoinPlacement() {}

  /**
   * The index of the chosen node, or -1 when no node is eligible.
   *
   * @param stress each node's last reported stress
   * @param joinsSinceReport joins given to each node since that report
   * @param stressPerViewer what one more viewer adds to a node's stress (1 / safe viewers per node)
   * @param stressPerJoinRate what one more join this second adds to its join-rate stress (1 / safe joins/s)
   * @param eligible serving nodes only: standby and draining nodes are never chosen
   */
  public static int choose(double[] stress, int[] joinsSinceReport, double stressPerViewer, double stressPerJoinRate,
      boolean[] eligible, int n) {
    int best = -1;
    double bestScore = Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      if (!eligible[i]) {
        continue;
      }
      // A join is a viewer more and a join more this second: a node that looks empty still has a
      // limit on how fast it can take them.
      double score = Math.max(stress[i] + joinsSinceReport[i] * stressPerViewer,
          joinsSinceReport[i] * stressPerJoinRate);
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }
}
