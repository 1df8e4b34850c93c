package io.shardcast.chaos.run;

import io.shardcast.testkit.cluster.LocalCluster;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Brings nodes back as a supervisor (systemd, Kubernetes) would: starts a stopped node again and
 * waits until it serves; after a pause or partition, keeps a node that stayed a member and
 * replaces one the cluster downed. Remembers the nodes left paused, so healing resumes them.
 */
final class NodeSupervisor {

  private static final long RESTART_TIMEOUT_MS = 120_000;
  private static final long READY_POLL_MS = 250;
  /** How long a node back from isolation has to show up as a member everywhere before it is replaced. */
  private static final long REJOIN_TIMEOUT_MS = 25_000;
  private static final long REJOIN_POLL_MS = 500;

  private final LocalCluster cluster;
  private final Targets targets;
  private final ClusterProbe probe;
  private final FaultLog faults;
  private final Set<Integer> paused = new TreeSet<>();

  NodeSupervisor(LocalCluster cluster, Targets targets, ClusterProbe probe, FaultLog faults) {
    this.cluster = cluster;
    this.targets = targets;
    this.probe = probe;
    this.faults = faults;
  }

  /** Starts node {@code i} again and waits until it serves; then clients may use it. */
  void restart(int i) throws Exception {
    cluster.restart(i);
    LocalCluster.Node n = cluster.node(i);
    long until = System.currentTimeMillis() + RESTART_TIMEOUT_MS;
    while (!cluster.ready(n)) {
      if (!n.process().isAlive() || System.currentTimeMillis() > until) {
        throw new IllegalStateException("node " + (i + 1) + " did not come back: " + n.gone());
      }
      Thread.sleep(READY_POLL_MS);
    }
    targets.restore(i);
    faults.back(i);
  }

  /**
   * After a pause or partition: a node the cluster downed meanwhile shuts itself down; start it
   * again (as a supervisor would). A node that stayed a member is simply back.
   */
  void recoverAfterIsolation(List<Integer> nodes) throws Exception {
    long until = System.currentTimeMillis() + REJOIN_TIMEOUT_MS;
    for (int i : nodes) {
      LocalCluster.Node n = cluster.node(i);
      while (n.process().isAlive() && System.currentTimeMillis() < until && !probe.memberEverywhere(n)) {
        Thread.sleep(REJOIN_POLL_MS);
      }
      if (n.process().isAlive() && probe.memberEverywhere(n)) {
        targets.restore(i);
        faults.back(i);
      } else {
        if (n.process().isAlive()) {
          cluster.kill(i); // neither a member nor gone: a supervisor would replace it
        }
        faults.lost(i);
        restart(i);
      }
    }
  }

  /** Stops node {@code i} (SIGSTOP) until {@link #resume}. */
  void pause(int i) throws Exception {
    cluster.pause(i);
    synchronized (paused) {
      paused.add(i);
    }
  }

  void resume(int i) throws Exception {
    cluster.resume(i);
    synchronized (paused) {
      paused.remove(i);
    }
  }

  /** Resumes every node still paused. */
  void resumePaused() throws Exception {
    synchronized (paused) {
      for (int i : paused) {
        cluster.resume(i);
      }
      paused.clear();
    }
  }

  /** Resumes every node still paused, as far as it can: the cluster is killed next anyway. */
  void resumePausedBeforeTeardown() {
    synchronized (paused) {
      for (int i : paused) {
        try {
          cluster.resume(i);
        } catch (Exception ignored) {
          // it is killed next anyway
        }
      }
    }
  }

  /**
   * Until every node serves: starts again each node whose process is gone, including one that
   * exits while this waits (a node a drain sent away, whose request's answer was lost), and waits
   * for the others, as a supervisor keeps its processes up.
   */
  void restartUntilAllServe(long timeoutMs) throws Exception {
    long until = System.currentTimeMillis() + timeoutMs;
    for (int i = 0; i < cluster.nodes().size(); i++) {
      while (true) {
        LocalCluster.Node n = cluster.node(i);
        if (!n.process().isAlive()) {
          restart(i);
          break;
        }
        if (cluster.ready(n)) {
          break;
        }
        if (System.currentTimeMillis() > until) {
          throw new IllegalStateException("node " + (i + 1) + " not serving within " + timeoutMs / 1000 + " s: "
              + n.gone());
        }
        Thread.sleep(READY_POLL_MS);
      }
    }
  }
}
