package io.shardcast.k8s.model;

import io.kubernetes.client.openapi.models.V1Condition;
import java.util.List;

/**
 * What the operator last saw and did.
 *
 * @param observedGeneration the spec generation this status describes
 * @param replicas node pods that count toward the replicas (for the scale subresource)
 * @param readyReplicas of those, ready
 * @param updatedReplicas of those, at the update revision
 * @param activeNodes nodes the cluster reports active (serving)
 * @param standbyNodes nodes the cluster reports standing by
 * @param selector the node pods' label selector (for the scale subresource and an HPA)
 * @param currentRevision the revision every pod was at when the last roll finished
 * @param updateRevision the revision of the current spec; pods of another are rolled
 * @param phase {@code Creating}, {@code Starting}, {@code Running}, {@code Scaling}, {@code Rolling}, {@code Degraded}, {@code Paused}, {@code Invalid}
 * @param nodes every node pod, with its role as the cluster reports it
 * @param conditions {@code Ready}, {@code Progressing} and {@code Degraded}
 */
public record LiveClusterStatus(Long observedGeneration, Integer replicas, Integer readyReplicas,
    Integer updatedReplicas, Integer activeNodes, Integer standbyNodes, String selector, String currentRevision,
    String updateRevision, String phase, List<NodeStatus> nodes, List<V1Condition> conditions) {

  /**
   * One node pod.
   *
   * @param pod the pod's name
   * @param node the node's cluster address ({@code pekko://shardcast@host:port}); null before it reports
   * @param role {@code starting}, {@code standby}, {@code activating}, {@code active}, {@code draining}, {@code unknown}
   * @param ready its readiness probe passes
   * @param revision the revision it was created from
   * @param viewers viewers connected to it
   * @param leaving why it is on its way out ({@code scale-in}, {@code roll}); null when not
   */
  public record NodeStatus(String pod, String node, String role, Boolean ready, String revision, Integer viewers,
      String leaving) {}
}
