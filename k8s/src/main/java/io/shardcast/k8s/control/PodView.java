package io.shardcast.k8s.control;

import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.shardcast.k8s.model.LiveCluster;
import io.shardcast.k8s.objects.Names;
import io.shardcast.k8s.plan.NodePod;
import io.shardcast.k8s.plan.NodePod.ClusterRole;
import io.shardcast.k8s.plan.NodePod.Health;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads a node pod, and what the cluster reports of its node, into the planner's {@link NodePod}. */
final class PodView {

  /** Waiting reasons of a container that will not run as it is: crash loops and image problems. */
  private static final Set<String> STUCK = Set.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
      "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

  private PodView() {}

  /** The pod as a {@link NodePod}, or null when it is not one of the cluster's node pods. */
  static NodePod of(LiveCluster c, V1Pod pod, ClusterReport report) {
    int ordinal = Names.ordinal(c, pod.getMetadata().getName());
    if (ordinal < 0) {
      return null;
    }
    Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    Map<String, String> notes = pod.getMetadata().getAnnotations() == null ? Map.of()
        : pod.getMetadata().getAnnotations();
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    ClusterReport.Node node = ip == null ? null : report.byHost().get(ip);
    long created = pod.getMetadata().getCreationTimestamp() == null ? 0
        : pod.getMetadata().getCreationTimestamp().toInstant().toEpochMilli();
    long leavingSince = 0;
    try {
      leavingSince = Long.parseLong(notes.getOrDefault(Names.LEAVING_SINCE_ANNOTATION, "0"));
    } catch (NumberFormatException e) {
      leavingSince = 0; // hand-edited: counts as long ago, so a stuck drain ends
    }
    return new NodePod(pod.getMetadata().getName(), ordinal, labels.getOrDefault(Names.REVISION_LABEL, ""),
        role(notes.get(Names.START_ROLE_ANNOTATION)), health(pod), ready(pod),
        pod.getMetadata().getDeletionTimestamp() != null, created, node == null ? ClusterRole.UNKNOWN : role(node.role()),
        ip != null && ip.equals(report.oldestHost()), node == null ? 0 : node.viewers(),
        notes.get(Names.LEAVING_ANNOTATION), leavingSince);
  }

  static ClusterRole role(String name) {
    if (name == null) {
      return ClusterRole.UNKNOWN;
    }
    try {
      return ClusterRole.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return ClusterRole.UNKNOWN;
    }
  }

  static Health health(V1Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase)) {
      return Health.LEFT;
    }
    if ("Failed".equals(phase)) {
      return Health.FAILED;
    }
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      for (V1ContainerStatus s : pod.getStatus().getContainerStatuses()) {
        if (s.getState() != null && s.getState().getWaiting() != null
            && STUCK.contains(s.getState().getWaiting().getReason())) {
          return Health.CRASH_LOOPING;
        }
      }
    }
    return Health.RUNNING;
  }

  static boolean ready(V1Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return false;
    }
    for (V1PodCondition c : pod.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }
}
