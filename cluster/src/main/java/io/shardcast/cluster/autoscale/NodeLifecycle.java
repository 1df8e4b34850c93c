package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.signal.NodeRole;

/**
 * This node's role as capacity, owned by the node itself and changed by its {@link NodeAgent} on
 * the autoscaler's word: only an {@link NodeRole#ACTIVE} node takes new viewers and hosts rooms; a
 * standby waits warm; a draining node sends its viewers elsewhere and hands its rooms off.
 */
public final class NodeLifecycle {

  private volatile long upSinceMillis = Long.MAX_VALUE;
  private volatile NodeRole role;
  private volatile long sinceMillis;

  public NodeLifecycle(NodeRole initial) {
    this.role = initial;
    this.sinceMillis = System.currentTimeMillis();
  }

  /**
   * When the node became an Up member of the cluster (the seed that formed it first); the youngest
   * are drained first. Not yet up: the far future.
   */
  public long upSinceMillis() {
    return upSinceMillis;
  }

  /** Called once the node is an Up member. */
  public void up() {
    upSinceMillis = System.currentTimeMillis();
  }

  public NodeRole role() {
    return role;
  }

  /** When the node entered its current role. */
  public long sinceMillis() {
    return sinceMillis;
  }

  /** Whether new viewers may join here. */
  public boolean serving() {
    return role == NodeRole.ACTIVE;
  }

  synchronized void become(NodeRole next) {
    if (next != role) {
      role = next;
      sinceMillis = System.currentTimeMillis();
    }
  }
}
