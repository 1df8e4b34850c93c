package io.shardcast.chaos.run;

import java.util.List;

/** The link between the room's node and another cut and healed every 2 s, five times (partition-flapping). */
record PartitionFlapping(ClusterUnderTest cluster, NetworkLab lab) implements Fault {

  private static final int ROUND_S = 45;
  private static final int FLAPS = 5;
  private static final long FLAP_MS = 2000;

  @Override
  public void injectUntil(long deadline) throws Exception {
    Fault.rounds(deadline, ROUND_S, this::round);
  }

  private void round() throws Exception {
    int a = cluster.probe().roomHost();
    int b = cluster.victims().others(List.of(a)).get(0);
    cluster.faults().start("partition-flapping", "partition-flapping", FaultLog.node(a));
    for (int k = 0; k < FLAPS; k++) {
      lab.cut(List.of(a), List.of(b));
      Thread.sleep(FLAP_MS);
      lab.heal();
      Thread.sleep(FLAP_MS);
    }
    cluster.faults().end("partition-flapping", "partition-flapping", FaultLog.node(a));
    cluster.supervisor().recoverAfterIsolation(cluster.victims().all());
  }
}
