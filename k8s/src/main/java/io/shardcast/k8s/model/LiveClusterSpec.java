package io.shardcast.k8s.model;

import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import java.util.Map;

/**
 * What a LiveCluster asks for. Fields left out take the defaults of {@link #withDefaults()}, the
 * same as the CRD's schema gives (the API server applies those; the operator does too, so a
 * resource read from anywhere means the same).
 *
 * @param image the node image ({@code shardcast node} is its command)
 * @param imagePullPolicy {@code Always}, {@code IfNotPresent} or {@code Never}
 * @param replicas nodes wanted; the autoscaler moves it through the scale subresource
 * @param minReplicas the fewest nodes the autoscaler (and a drained-away node) may leave
 * @param maxReplicas the most nodes the autoscaler may ask for
 * @param standby warm standbys among the replicas (the autoscaler's pool)
 * @param resources each node container's requests and limits
 * @param journal where rooms are journalled
 * @param opsTokenSecret the Secret key holding the ops token (required: ops endpoints and the operator use it)
 * @param ports the ports every node listens on
 * @param services how each public face is exposed
 * @param drainTimeoutSeconds how long a node leaving may take to drain before its pod is deleted anyway
 * @param readyTimeoutSeconds how long a new pod may take to become ready before the cluster is degraded
 * @param paused the operator reports but changes nothing
 * @param development allows the embedded H2 journal (one node's disk: not for production)
 * @param config extra node settings (HOCON paths to values), written into the node ConfigMap
 * @param podTemplate merged into every node pod ({@link PodTemplate}): labels, annotations, affinity,
 *     tolerations, node selector, sidecars, volumes, and the node container's extra env and mounts
 */
public record LiveClusterSpec(String image, String imagePullPolicy, Integer replicas, Integer minReplicas,
    Integer maxReplicas, Integer standby, V1ResourceRequirements resources, Journal journal, SecretKey opsTokenSecret,
    Ports ports, Services services, Integer drainTimeoutSeconds, Integer readyTimeoutSeconds, Boolean paused,
    Boolean development, Map<String, String> config, PodTemplate podTemplate) {

  /**
   * @param kind {@code postgres} (default) or {@code h2} (development only)
   * @param url the JDBC URL, {@code jdbc:postgresql://host:5432/db}
   * @param user the database user
   * @param passwordSecret the Secret key holding its password
   */
  public record Journal(String kind, String url, String user, SecretKey passwordSecret) {}

  /** A key of a Secret in the LiveCluster's namespace. */
  public record SecretKey(String name, String key) {}

  /** The node's ports; each defaults to the node's own default. */
  public record Ports(Integer http, Integer viewer, Integer media, Integer rtmp, Integer rtp, Integer remote,
      Integer relay, Integer management) {}

  /** The Service type of each public face: {@code ClusterIP}, {@code NodePort} or {@code LoadBalancer}. */
  public record Services(String gateway, String viewer, String rtmp, String media) {}

  public static final Ports DEFAULT_PORTS = new Ports(8080, 8180, 8280, 1935, 8380, 25520, 26520, 8558);

  /** This spec with every field left out set to its default. */
  public LiveClusterSpec withDefaults() {
    Ports p = ports == null ? DEFAULT_PORTS : new Ports(or(ports.http(), 8080), or(ports.viewer(), 8180),
        or(ports.media(), 8280), or(ports.rtmp(), 1935), or(ports.rtp(), 8380), or(ports.remote(), 25520),
        or(ports.relay(), 26520), or(ports.management(), 8558));
    Services s = services == null ? new Services(null, null, null, null) : services;
    Journal j = journal == null ? new Journal("postgres", null, null, null) : journal;
    return new LiveClusterSpec(image, imagePullPolicy == null ? "IfNotPresent" : imagePullPolicy, or(replicas, 3),
        or(minReplicas, 1), or(maxReplicas, 10), or(standby, 1), resources,
        new Journal(j.kind() == null ? "postgres" : j.kind(), j.url(), j.user() == null ? "shardcast" : j.user(),
            j.passwordSecret()),
        opsTokenSecret, p,
        new Services(or(s.gateway(), "ClusterIP"), or(s.viewer(), "LoadBalancer"), or(s.rtmp(), "LoadBalancer"),
            or(s.media(), "LoadBalancer")),
        or(drainTimeoutSeconds, 300), or(readyTimeoutSeconds, 300), or(paused, false), or(development, false),
        config == null ? Map.of() : config, podTemplate);
  }

  private static <T> T or(T value, T otherwise) {
    return value == null ? otherwise : value;
  }
}
