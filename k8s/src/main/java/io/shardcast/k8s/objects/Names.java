package io.shardcast.k8s.objects;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.shardcast.k8s.model.LiveCluster;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the objects of one LiveCluster are called and labelled, and who owns them. */
public final class Names {

  public static final String CLUSTER_LABEL = "shardcast.io/cluster";
  public static final String REVISION_LABEL = "shardcast.io/revision";
  /** On node pods: {@code true} while the cluster reports the node active; the public Services select it. */
  public static final String SERVING_LABEL = "shardcast.io/serving";
  /** On node pods: the role the node was created to start in. */
  public static final String START_ROLE_ANNOTATION = "shardcast.io/start-role";
  /** On a node pod the operator chose to take away: why ({@code scale-in}, {@code roll}) and since when. */
  public static final String LEAVING_ANNOTATION = "shardcast.io/leaving";
  public static final String LEAVING_SINCE_ANNOTATION = "shardcast.io/leaving-since";
  public static final String MANAGED_BY = "shardcast-operator";

  private Names() {}

  /** Node pod {@code n}: {@code <cluster>-<n>}. */
  public static String pod(LiveCluster c, int ordinal) {
    return c.name() + "-" + ordinal;
  }

  /** The ordinal of a node pod's name, or -1 when it is not one of the cluster's. */
  public static int ordinal(LiveCluster c, String podName) {
    String prefix = c.name() + "-";
    if (!podName.startsWith(prefix)) {
      return -1;
    }
    try {
      return Integer.parseInt(podName.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The headless Service the nodes form their cluster through (and their DNS names live under). */
  public static String nodesService(LiveCluster c) {
    return c.name() + "-nodes";
  }

  /** The nodes' ServiceAccount, Role and RoleBinding. */
  public static String nodeAccount(LiveCluster c) {
    return c.name() + "-node";
  }

  public static String config(LiveCluster c) {
    return c.name() + "-config";
  }

  /** A public face's Service: {@code gateway}, {@code viewer}, {@code rtmp}, {@code media}. */
  public static String service(LiveCluster c, String face) {
    return c.name() + "-" + face;
  }

  public static String disruptionBudget(LiveCluster c) {
    return c.name() + "-nodes";
  }

  /** The labels every object of the cluster carries; the node pods' selector is {@link #selector}. */
  public static Map<String, String> labels(LiveCluster c) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "shardcast");
    labels.put("app.kubernetes.io/instance", c.name());
    labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
    labels.put(CLUSTER_LABEL, c.name());
    return labels;
  }

  /** Selects the cluster's node pods. */
  public static Map<String, String> selector(LiveCluster c) {
    return Map.of(CLUSTER_LABEL, c.name());
  }

  /** The selector as a string, for the status (and through it the scale subresource). */
  public static String selectorString(LiveCluster c) {
    return CLUSTER_LABEL + "=" + c.name();
  }

  /** Metadata of an object the cluster owns: its name, namespace, labels and the owner reference. */
  public static V1ObjectMeta owned(LiveCluster c, String name) {
    return new V1ObjectMeta().name(name).namespace(c.namespace()).labels(labels(c))
        .ownerReferences(List.of(owner(c)));
  }

  /** The LiveCluster as the controlling owner: deleting it deletes what it owns. */
  public static V1OwnerReference owner(LiveCluster c) {
    return new V1OwnerReference().apiVersion(LiveCluster.API_VERSION).kind(LiveCluster.KIND).name(c.name())
        .uid(c.metadata().getUid()).controller(true).blockOwnerDeletion(true);
  }
}
