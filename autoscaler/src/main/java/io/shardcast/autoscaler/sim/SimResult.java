package io.shardcast.autoscaler.sim;

/**
 * One controller's run over one trace.
 *
 * @param overloadedNodeSeconds serving node-seconds with stress above 1
 * @param peakStress the highest stress of any serving node in any second
 * @param nodeHours every node that existed (serving, standby, starting, draining), in hours
 * @param maxNodes the most nodes at once
 * @param scaleActions activations, starts, drains and stops issued
 * @param rejectedJoins joins that found no serving node
 */
public record SimResult(
    String trace, String controller, double overloadedNodeSeconds, double peakStress, double nodeHours,
    int maxNodes, int scaleActions, long rejectedJoins) {}
