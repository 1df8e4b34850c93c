package io.shardcast.autoscaler.policy;

/**
 * The panic rule's verdict at one tick.
 *
 * @param stress a serving node runs above {@code panic.stress} now
 * @param inForce the rule fired now or within {@code panic.hold}: no scale-in
 * @param need the forecast's need, raised for the spike when the rule fired now
 * @param provisionDemand the demand the spike's short trend reaches over the panic horizon, when the
 *     rule fired now (null otherwise)
 * @param why what set it off, for the plan's reason; null when it did not fire now
 */
record Panic(boolean stress, boolean inForce, Capacity need, double[] provisionDemand, String why) {}
