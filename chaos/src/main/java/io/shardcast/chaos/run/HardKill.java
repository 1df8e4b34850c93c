package io.shardcast.chaos.run;

import java.util.List;

/**
 * SIGKILL of the chosen nodes, each started again after the restart delay (kill-room-host,
 * kill-random-loop, kill-coordinator).
 */
record HardKill(ClusterUnderTest cluster, Victims.Choice victims, int roundSeconds, int restartDelaySeconds)
    implements Fault {

  @Override
  public void injectUntil(long deadline) throws Exception {
    Fault.rounds(deadline, roundSeconds, this::round);
  }

  private void round() throws Exception {
    List<Integer> chosen = victims.choose();
    for (int i : chosen) {
      cluster.faults().start("kill", "hard-kill", FaultLog.node(i));
      cluster.targets().impair(i);
      cluster.nodes().kill(i);
      cluster.faults().lost(i);
    }
    Thread.sleep(restartDelaySeconds * 1000L);
    for (int i : chosen) {
      cluster.supervisor().restart(i);
    }
  }
}
