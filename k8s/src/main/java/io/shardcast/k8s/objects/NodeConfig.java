package io.shardcast.k8s.objects;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.shardcast.k8s.model.LiveCluster;
import io.shardcast.k8s.model.LiveClusterSpec;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The ConfigMap with the nodes' settings ({@code node.conf}, HOCON): how they find each other
 * (Cluster Bootstrap through the Kubernetes API, pods selected by the cluster's label), which
 * LiveCluster the autoscaler scales, its standby pool and bounds, and the spec's own settings.
 * The cluster's size is not in it, so scaling never changes the pods' revision.
 */
public final class NodeConfig {

  public static final String FILE = "node.conf";
  public static final String MOUNT = "/etc/shardcast";
  /** A setting's path: HOCON path segments. */
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  private NodeConfig() {}

  /** Why the spec's settings cannot be written, or null. */
  public static String problem(LiveClusterSpec spec) {
    for (Map.Entry<String, String> e : spec.withDefaults().config().entrySet()) {
      if (!KEY.matcher(e.getKey()).matches()) {
        return "spec.config key '" + e.getKey() + "' is not a setting path (segments of [A-Za-z0-9_-] joined by dots)";
      }
      if (e.getValue() == null || e.getValue().indexOf('\n') >= 0 || e.getValue().indexOf('\r') >= 0) {
        return "spec.config value of '" + e.getKey() + "' must be one line";
      }
    }
    return null;
  }

  public static V1ConfigMap of(LiveCluster c) {
    return new V1ConfigMap().apiVersion("v1").kind("ConfigMap").metadata(Names.owned(c, Names.config(c)))
        .data(Map.of(FILE, text(c)));
  }

  static String text(LiveCluster c) {
    LiveClusterSpec s = c.spec().withDefaults();
    StringBuilder b = new StringBuilder("# Written by the Shardcast operator for LiveCluster ").append(c.name())
        .append("; edit the LiveCluster, not this.\n");
    b.append("shardcast.node.discovery = kubernetes-api\n");
    b.append("pekko.management.cluster.bootstrap.contact-point-discovery {\n")
        .append("  discovery-method = kubernetes-api\n")
        .append("  service-name = ").append(quote(c.name())).append('\n')
        // The pod with the lowest address forms the cluster once the others have been probed; the
        // rest join it. One contact point suffices, so a one-node cluster forms too.
        .append("  required-contact-point-nr = 1\n")
        .append("}\n");
    b.append("pekko.management.cluster.bootstrap.contact-point.fallback-port = ").append(s.ports().management())
        .append('\n');
    // Contact points by pod IP, as the nodes advertise themselves: pod DNS records are not on every cluster.
    b.append("pekko.discovery.kubernetes-api.use-raw-ip = true\n");
    b.append("pekko.discovery.kubernetes-api.pod-label-selector = ").append(quote(Names.CLUSTER_LABEL + "=%s"))
        .append('\n');
    // A partition is decided by whichever side holds a Lease in the API server (pekko.apache.org/v1):
    // the cluster's one source of truth, so two halves never both keep the rooms.
    b.append("pekko.cluster.split-brain-resolver.active-strategy = lease-majority\n");
    b.append("pekko.coordination.lease.kubernetes.namespace = ").append(quote(c.namespace())).append('\n');
    b.append("shardcast.autoscaler.scaler.backend = kubernetes\n");
    b.append("shardcast.autoscaler.scaler.kubernetes { kind = livecluster, name = ").append(quote(c.name()))
        .append(" }\n");
    b.append("shardcast.autoscaler.min-standby = ").append(s.standby()).append('\n');
    // The autoscaler never drains below minReplicas: the operator would only start the node again.
    b.append("shardcast.autoscaler.min-active = ").append(Math.max(1, s.minReplicas() - s.standby())).append('\n');
    b.append("shardcast.autoscaler.max-nodes = ").append(s.maxReplicas()).append('\n');
    b.append("shardcast.journal.kind = ").append(quote(s.journal().kind())).append('\n');
    // spec.access (its secrets come as environment variables from their Secrets, never written here)
    LiveClusterSpec.Access a = s.access();
    b.append("shardcast.access.viewers = ").append(quote(a.viewers())).append('\n');
    if (a.algorithms() != null && !a.algorithms().isEmpty()) {
      b.append("shardcast.access.platform.algorithms = [")
          .append(String.join(", ", a.algorithms().stream().map(NodeConfig::quote).toList())).append("]\n");
    }
    if (a.jwksUrl() != null) {
      b.append("shardcast.access.platform.jwks-url = ").append(quote(a.jwksUrl())).append('\n');
    }
    if (a.issuer() != null) {
      b.append("shardcast.access.platform.issuer = ").append(quote(a.issuer())).append('\n');
    }
    b.append("shardcast.access.platform.audience = ").append(quote(a.audience())).append('\n');
    b.append("shardcast.access.play.mode = ").append(quote(a.play())).append('\n');
    b.append("shardcast.access.metrics.mode = ").append(quote(a.metrics())).append('\n');
    b.append("shardcast.access.metrics.port = ").append(a.metricsPort()).append('\n');
    if (!s.config().isEmpty()) {
      b.append("# spec.config\n");
      for (Map.Entry<String, String> e : new TreeMap<>(s.config()).entrySet()) {
        b.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
      }
    }
    return b.toString();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
