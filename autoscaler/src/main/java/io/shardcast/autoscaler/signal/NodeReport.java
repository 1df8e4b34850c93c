package io.shardcast.autoscaler.signal;

/**
 * One node's once-a-second report.
 *
 * @param roleSinceMillis when the node entered its current role (activation and start times are
 *     measured from it)
 */
public record NodeReport(String nodeId, NodeRole role, long reportedAtMillis, long roleSinceMillis, NodeLoad load) {}
