package io.shardcast.k8s.plan;

import io.shardcast.k8s.plan.NodePod.ClusterRole;

/** One thing the operator does to the cluster's pods, decided by the {@link PodPlanner}. */
public sealed interface Step {

  /** Creates pod {@code <cluster>-<ordinal>} from the current revision, starting in {@code role}. */
  record Create(int ordinal, ClusterRole role) implements Step {}

  /** Marks the pod as the one to take away, and why ({@code scale-in}, {@code roll}): the choice sticks. */
  record Choose(String pod, String why) implements Step {}

  /** Asks the cluster to drain the active node in the pod (stop joins, hint viewers away, hand rooms off, leave). */
  record Drain(String pod) implements Step {}

  /** Asks the cluster to retire the standby in the pod (it serves nothing: it just leaves). */
  record Retire(String pod) implements Step {}

  /**
   * Deletes the pod with a grace period long enough for the node's coordinated shutdown. Only
   * ever a pod that left the cluster, never became ready, or whose drain ran out of time.
   */
  record Delete(String pod, String why) implements Step {}

  /**
   * Lowers the replicas by one: a node the autoscaler drained away left the cluster for good (its
   * pod exited on purpose without having been chosen by the operator).
   */
  record Lower(String pod) implements Step {}
}
