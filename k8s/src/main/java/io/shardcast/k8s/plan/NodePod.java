package io.shardcast.k8s.plan;

/**
 * One node pod as the operator sees it: from its Pod object (name, revision, phase, readiness) and
 * from the cluster's own report at {@code GET /api/autoscaler} (the node's role and viewers).
 *
 * @param ordinal the {@code n} of {@code <cluster>-<n>}
 * @param revision the pod template revision it was created from
 * @param startRole the role it was created to start in ({@code SHARDCAST_ROLE})
 * @param health its container's state: running, crash-looping, exited
 * @param ready its readiness probe ({@code /ready}) passes
 * @param terminating deletion has begun ({@code metadata.deletionTimestamp})
 * @param createdMillis when the pod was created
 * @param role its Shardcast role as the cluster reports it; {@link ClusterRole#UNKNOWN} before it reports
 * @param oldest the oldest cluster member (shard coordinator, autoscaler singleton)
 * @param viewers viewers connected to it, as reported
 * @param retiring why the operator chose to take it away ({@code scale-in}, {@code roll}); null when not chosen
 * @param retiringSinceMillis when it was chosen
 */
public record NodePod(String name, int ordinal, String revision, ClusterRole startRole, Health health, boolean ready,
    boolean terminating, long createdMillis, ClusterRole role, boolean oldest, int viewers, String retiring,
    long retiringSinceMillis) {

  /** A node pod's Shardcast role, as the cluster reports it. */
  public enum ClusterRole { UNKNOWN, STARTING, STANDBY, ACTIVATING, ACTIVE, DRAINING }

  /**
   * Its container: {@link #RUNNING} (or starting), {@link #CRASH_LOOPING} (restarted and failing, an
   * image that cannot be pulled or run), {@link #LEFT} (exited on purpose after leaving the cluster,
   * drained or retired), {@link #FAILED} (the pod failed for good).
   */
  public enum Health { RUNNING, CRASH_LOOPING, LEFT, FAILED }

  /** Counts toward the replicas: not on its way out and not gone. */
  public boolean live() {
    return !terminating && health != Health.LEFT && health != Health.FAILED;
  }

  /** Serving or able to serve: ready and a cluster member in a role. */
  public boolean joined() {
    return ready && role != ClusterRole.UNKNOWN && role != ClusterRole.STARTING;
  }

  public boolean chosen() {
    return retiring != null;
  }

  public NodePod withRetiring(String why, long sinceMillis) {
    return new NodePod(name, ordinal, revision, startRole, health, ready, terminating, createdMillis, role, oldest,
        viewers, why, sinceMillis);
  }
}
