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
 * @param access who may do what ({@link Access}; docs/security.md): viewer identity, signed playback,
 *     metrics access
 */
public record LiveClusterSpec(String image, String imagePullPolicy, Integer replicas, Integer minReplicas,
    Integer maxReplicas, Integer standby, V1ResourceRequirements resources, Journal journal, SecretKey opsTokenSecret,
    Ports ports, Services services, Integer drainTimeoutSeconds, Integer readyTimeoutSeconds, Boolean paused,
    Boolean development, Map<String, String> config, PodTemplate podTemplate, Access access) {

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
      Integer relay, Integer management, Integer webrtc) {}

  /**
   * Access control of the nodes (docs/security.md).
   *
   * @param viewers {@code anonymous} (development; the default) or {@code platform}: a viewer is the
   *     {@code sub} of a token its platform signed
   * @param algorithms the token algorithms accepted: {@code HS256} with {@code viewerTokenSecret},
   *     {@code RS256}/{@code ES256} with {@code jwksUrl}
   * @param viewerTokenSecret the Secret key holding the HS256 secret the platform signs with
   * @param jwksUrl the platform's public keys (a JWK set URL), for RS256/ES256
   * @param issuer the {@code iss} every token must carry (empty: any)
   * @param audience the {@code aud} every token must carry (default {@code shardcast})
   * @param play {@code open} (default) or {@code signed}: media playback needs a signed URL or a viewer token
   * @param playSecret the Secret key holding the playback signing secret (at least 32 bytes)
   * @param metrics {@code open} (default), {@code token} or {@code internal} (its own port, {@code metricsPort})
   * @param metricsPort the port of {@code /metrics} when {@code metrics} is {@code internal} (default 9464)
   */
  public record Access(String viewers, java.util.List<String> algorithms, SecretKey viewerTokenSecret, String jwksUrl,
      String issuer, String audience, String play, SecretKey playSecret, String metrics, Integer metricsPort) {}

  /** The Service type of each public face: {@code ClusterIP}, {@code NodePort} or {@code LoadBalancer}. */
  public record Services(String gateway, String viewer, String rtmp, String media) {}

  public static final Ports DEFAULT_PORTS = new Ports(8080, 8180, 8280, 1935, 8380, 25520, 26520, 8558, 8480);

  /** This spec with every field left out set to its default. */
  public LiveClusterSpec withDefaults() {
    Ports p = ports == null ? DEFAULT_PORTS : new Ports(or(ports.http(), 8080), or(ports.viewer(), 8180),
        or(ports.media(), 8280), or(ports.rtmp(), 1935), or(ports.rtp(), 8380), or(ports.remote(), 25520),
        or(ports.relay(), 26520), or(ports.management(), 8558), or(ports.webrtc(), 8480));
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
        config == null ? Map.of() : config, podTemplate, accessWithDefaults());
  }

  private Access accessWithDefaults() {
    Access a = access == null ? new Access(null, null, null, null, null, null, null, null, null, null) : access;
    return new Access(or(a.viewers(), "anonymous"), a.algorithms(), a.viewerTokenSecret(), a.jwksUrl(), a.issuer(),
        or(a.audience(), "shardcast"), or(a.play(), "open"), a.playSecret(), or(a.metrics(), "open"),
        or(a.metricsPort(), 9464));
  }

  private static <T> T or(T value, T otherwise) {
    return value == null ? otherwise : value;
  }
}
