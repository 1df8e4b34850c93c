package io.shardcast.autoscaler.signal;

/** Where a node is in its life as capacity: only {@link #ACTIVE} nodes serve rooms and take joins. */
public enum NodeRole {
  /** The process is starting and has not joined the cluster yet. */
  STARTING,
  /** Joined the cluster, warm, serving nothing: the warm pool. */
  STANDBY,
  /** Asked to serve; becomes ACTIVE once its gateway takes joins. */
  ACTIVATING,
  ACTIVE,
  /** Takes no joins, hints its viewers elsewhere, hands its shards off, then leaves. */
  DRAINING
}
