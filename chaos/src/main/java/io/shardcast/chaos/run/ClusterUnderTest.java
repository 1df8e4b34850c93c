package io.shardcast.chaos.run;

import io.shardcast.testkit.cluster.LocalCluster;

/**
 * The cluster as faults see it: its node processes, the nodes clients may use, what it says about
 * itself, which nodes to hit, the supervisor that brings them back, and the log of what was done.
 */
record ClusterUnderTest(LocalCluster nodes, Targets targets, ClusterProbe probe, Victims victims,
    NodeSupervisor supervisor, FaultLog faults) {}
