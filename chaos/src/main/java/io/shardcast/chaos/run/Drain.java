package io.shardcast.chaos.run;

import io.shardcast.chaos.history.History;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RestClient;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The room's node drained and retired through the ops API while a sale is open, then a node
 * started again (scale out), so the next round has one to drain (scale-in-during-sale).
 */
record Drain(ClusterUnderTest cluster, FlashSales sales, RestClient rest, Random random, String opsToken,
    int restartDelaySeconds) implements Fault {

  private static final int ROUND_S = 30;
  private static final long LEAVE_TIMEOUT_S = 60;

  @Override
  public void injectUntil(long deadline) throws Exception {
    Fault.rounds(deadline, ROUND_S, this::round);
  }

  private void round() throws Exception {
    sales.awaitOpen();
    int i = cluster.probe().roomHost();
    LocalCluster.Node n = cluster.nodes().node(i);
    cluster.targets().impair(i);
    cluster.faults().start("drain", "drain", FaultLog.node(i));
    String url = cluster.targets().any(random).http() + "/api/autoscaler/nodes/drain";
    try {
      UnexpectedStatus.require(url, rest.post(url, opsToken,
          History.JSON.createObjectNode().put("node", n.address()).put("then", "leave")), 202);
    } catch (UnexpectedStatus refused) {
      throw refused;
    } catch (IOException e) {
      // No answer: the drain may be under way all the same. The node is waited for like any other,
      // and replaced if it stays (a refusal still ends the scenario early).
      cluster.faults().say("the drain of node " + (i + 1) + " got no answer (" + e + "); waiting for it anyway");
    }
    n.process().waitFor(LEAVE_TIMEOUT_S, TimeUnit.SECONDS);
    if (n.process().isAlive()) {
      cluster.faults().say("node " + (i + 1) + " did not leave within " + LEAVE_TIMEOUT_S
          + " s of its drain; killing it");
      cluster.nodes().kill(i);
    }
    cluster.faults().lost(i);
    Thread.sleep(restartDelaySeconds * 1000L);
    cluster.supervisor().restart(i); // scale out again, so the next round has a node to drain
  }
}
