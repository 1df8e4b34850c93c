package io.shardcast.chaos.run;

import java.util.List;

/** A minority of nodes cut off from the rest for a while, then healed (partition-minority, partition-majority). */
record Partition(ClusterUnderTest cluster, NetworkLab lab, Victims.Choice minority) implements Fault {

  private static final int ROUND_S = 45;
  private static final long CUT_MS = 20_000;

  @Override
  public void injectUntil(long deadline) throws Exception {
    Fault.rounds(deadline, ROUND_S, this::round);
  }

  private void round() throws Exception {
    List<Integer> cutOff = minority.choose();
    List<Integer> majority = cluster.victims().others(cutOff);
    for (int i : cutOff) {
      cluster.faults().start("partition", "partition", FaultLog.node(i));
      cluster.targets().impair(i);
    }
    lab.cut(cutOff, majority);
    Thread.sleep(CUT_MS);
    lab.heal();
    for (int i : cutOff) {
      cluster.faults().end("partition", "partition", FaultLog.node(i));
    }
    cluster.supervisor().recoverAfterIsolation(cutOff);
  }
}
