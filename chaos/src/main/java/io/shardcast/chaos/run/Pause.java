package io.shardcast.chaos.run;

import java.util.List;

/** SIGSTOP of the room's node past the failure detector (a long GC), then SIGCONT (pause-room-host). */
record Pause(ClusterUnderTest cluster) implements Fault {

  private static final int ROUND_S = 45;
  private static final long PAUSED_MS = 15_000;

  @Override
  public void injectUntil(long deadline) throws Exception {
    Fault.rounds(deadline, ROUND_S, this::round);
  }

  private void round() throws Exception {
    int i = cluster.probe().roomHost();
    cluster.faults().start("pause", "pause", FaultLog.node(i));
    cluster.targets().impair(i);
    cluster.supervisor().pause(i);
    Thread.sleep(PAUSED_MS);
    cluster.supervisor().resume(i);
    cluster.faults().end("pause", "pause", FaultLog.node(i));
    cluster.supervisor().recoverAfterIsolation(List.of(i));
  }
}
