package io.shardcast.k8s.model;

import io.kubernetes.client.openapi.models.V1Affinity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1LocalObjectReference;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1Toleration;
import io.kubernetes.client.openapi.models.V1TopologySpreadConstraint;
import io.kubernetes.client.openapi.models.V1Volume;
import java.util.List;
import java.util.Map;

/**
 * What a LiveCluster adds to every node pod beyond what the operator models: the fields of a pod
 * template a platform sets (scheduling, security, sidecars, volumes). Not a whole
 * {@code PodTemplateSpec}: that one requires containers, and the node container is the operator's.
 * A container named {@code node} adds its env, mounts and security context to the node container.
 */
public record PodTemplate(Metadata metadata, Spec spec) {

  /** Labels and annotations for the pods; the operator's own win where they clash. */
  public record Metadata(Map<String, String> labels, Map<String, String> annotations) {}

  public record Spec(V1Affinity affinity, List<V1Toleration> tolerations, Map<String, String> nodeSelector,
      String priorityClassName, V1PodSecurityContext securityContext, List<V1LocalObjectReference> imagePullSecrets,
      List<V1TopologySpreadConstraint> topologySpreadConstraints, List<V1Container> containers,
      List<V1Container> initContainers, List<V1Volume> volumes) {}
}
