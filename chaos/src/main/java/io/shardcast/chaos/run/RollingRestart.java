package io.shardcast.chaos.run;

/**
 * Every node in turn: SIGTERM (graceful hand-off), exit, start again; passes repeat while another
 * fits (rolling-restart).
 */
record RollingRestart(ClusterUnderTest cluster, int nodes) implements Fault {

  private static final long BETWEEN_NODES_MS = 3000;
  /** What one node's turn is budgeted, to tell whether another pass fits before the deadline. */
  private static final long NODE_TURN_MS = 20_000;

  @Override
  public void injectUntil(long deadline) throws Exception {
    do {
      for (int i = 0; i < nodes; i++) {
        cluster.faults().start("graceful-restart", "graceful-restart", FaultLog.node(i));
        cluster.targets().impair(i);
        cluster.nodes().terminate(i);
        cluster.faults().lost(i);
        cluster.supervisor().restart(i);
        Thread.sleep(BETWEEN_NODES_MS);
      }
    } while (System.currentTimeMillis() + nodes * NODE_TURN_MS <= deadline);
  }
}
