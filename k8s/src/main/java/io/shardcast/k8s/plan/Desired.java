package io.shardcast.k8s.plan;

/**
 * What a LiveCluster asks for, as the planner needs it.
 *
 * @param replicas nodes wanted (already within min and max)
 * @param minReplicas a node the autoscaler drained away lowers the replicas, never below this
 * @param standby of those, how many start as warm standbys (the autoscaler activates them)
 * @param revision the revision of the current pod template; pods of another are rolled
 * @param drainTimeoutMillis how long a chosen node may take to drain before its pod is deleted anyway
 * @param readyTimeoutMillis how long a new pod may take to become ready before the cluster is degraded
 * @param paused when set, the operator reports but changes nothing
 */
public record Desired(int replicas, int minReplicas, int standby, String revision, long drainTimeoutMillis,
    long readyTimeoutMillis, boolean paused) {

  /** Nodes that start active: all but the standbys, at least one. */
  public int active() {
    return Math.max(1, replicas - standby);
  }
}
