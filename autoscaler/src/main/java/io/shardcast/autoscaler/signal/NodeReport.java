package io.shardcast.autoscaler.signal;

/**
 * One node's once-a-second report.
 *
 * @param roleSinceMillis when the node entered its current role (activation and start times are
 *     measured from it)
 * @param upSinceMillis when the node started: the youngest nodes are drained first
 */
public record NodeReport(String nodeId, NodeRole role, long reportedAtMillis, long roleSinceMillis, long upSinceMillis,
    NodeLoad load) {}
