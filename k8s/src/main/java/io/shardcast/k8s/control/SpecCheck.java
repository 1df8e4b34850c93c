package io.shardcast.k8s.control;

import io.shardcast.k8s.model.LiveClusterSpec;
import io.shardcast.k8s.objects.NodeConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The operator's own check of a spec, beyond what the CRD's schema can say (and for a spec that
 * reached it without the schema): a problem stops every change to the cluster's pods and shows as
 * the {@code Degraded} condition with reason {@code InvalidSpec}; nothing serving is touched.
 */
public final class SpecCheck {

  private SpecCheck() {}

  /** What is wrong with {@code spec}, or null. */
  public static String problem(LiveClusterSpec raw) {
    if (raw == null) {
      return "spec is missing";
    }
    LiveClusterSpec s = raw.withDefaults();
    if (s.image() == null || s.image().isBlank()) {
      return "spec.image is required";
    }
    if (s.minReplicas() < 1 || s.maxReplicas() < s.minReplicas()) {
      return "spec.minReplicas (" + s.minReplicas() + ") must be at least 1 and at most spec.maxReplicas ("
          + s.maxReplicas() + ")";
    }
    if (s.standby() < 0) {
      return "spec.standby must be 0 or more";
    }
    if (s.opsTokenSecret() == null || s.opsTokenSecret().name() == null || s.opsTokenSecret().key() == null) {
      return "spec.opsTokenSecret (name, key) is required: the ops endpoints and the operator use the token";
    }
    String access = accessProblem(s.access(), s.ports());
    if (access != null) {
      return access;
    }
    switch (s.journal().kind()) {
      case "h2" -> {
        if (!s.development()) {
          return "spec.journal.kind h2 keeps rooms on one node's disk: set spec.development to use it, or use postgres";
        }
      }
      case "postgres" -> {
        if (s.journal().url() == null || !s.journal().url().startsWith("jdbc:postgresql://")) {
          return "spec.journal.url must be a jdbc:postgresql:// URL";
        }
      }
      default -> {
        return "spec.journal.kind must be postgres or h2, not " + s.journal().kind();
      }
    }
    LiveClusterSpec.Ports p = s.ports();
    Set<Integer> seen = new HashSet<>();
    for (int port : List.of(p.http(), p.viewer(), p.media(), p.rtmp(), p.rtp(), p.remote(), p.relay(), p.management(),
        p.webrtc())) {
      if (port < 1 || port > 65535) {
        return "spec.ports: " + port + " is not a port (1..65535)";
      }
      if (!seen.add(port)) {
        return "spec.ports: " + port + " is used twice";
      }
    }
    for (String type : List.of(s.services().gateway(), s.services().viewer(), s.services().rtmp(),
        s.services().media())) {
      if (!Set.of("ClusterIP", "NodePort", "LoadBalancer").contains(type)) {
        return "spec.services: " + type + " is not ClusterIP, NodePort or LoadBalancer";
      }
    }
    if (s.drainTimeoutSeconds() < 10 || s.readyTimeoutSeconds() < 10) {
      return "spec.drainTimeoutSeconds and spec.readyTimeoutSeconds are at least 10";
    }
    return NodeConfig.problem(s);
  }

  /** The replicas the operator works toward: the spec's, within min and max. */
  public static int replicas(LiveClusterSpec s) {
    LiveClusterSpec d = s.withDefaults();
    return Math.max(d.minReplicas(), Math.min(d.maxReplicas(), d.replicas()));
  }

  private static String accessProblem(LiveClusterSpec.Access a, LiveClusterSpec.Ports p) {
    if (!a.viewers().equals("anonymous") && !a.viewers().equals("platform")) {
      return "spec.access.viewers must be anonymous or platform, not " + a.viewers();
    }
    if (a.viewers().equals("platform") && a.viewerTokenSecret() == null && a.jwksUrl() == null) {
      return "spec.access.viewers platform needs the platform's key: viewerTokenSecret (HS256) or jwksUrl (RS256/ES256)";
    }
    if (a.algorithms() != null) {
      for (String alg : a.algorithms()) {
        if (!List.of("HS256", "RS256", "ES256").contains(alg)) {
          return "spec.access.algorithms take HS256, RS256 and ES256, not " + alg;
        }
      }
    }
    if (!List.of("open", "signed").contains(a.play())) {
      return "spec.access.play must be open or signed, not " + a.play();
    }
    if (a.play().equals("signed") && a.playSecret() == null) {
      return "spec.access.play signed needs playSecret (name, key): the Secret the nodes sign playback URLs with";
    }
    if (!List.of("open", "token", "internal").contains(a.metrics())) {
      return "spec.access.metrics must be open, token or internal, not " + a.metrics();
    }
    if (a.metrics().equals("internal") && List.of(p.http(), p.viewer(), p.media(), p.rtmp(), p.rtp(), p.remote(),
        p.relay(), p.management(), p.webrtc()).contains(a.metricsPort())) {
      return "spec.access.metricsPort " + a.metricsPort() + " is one of spec.ports";
    }
    return null;
  }
}
