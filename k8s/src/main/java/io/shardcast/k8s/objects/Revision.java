package io.shardcast.k8s.objects;

import io.kubernetes.client.openapi.JSON;
import io.shardcast.k8s.model.LiveClusterSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * The revision of the node pods a spec makes: a digest of everything that goes into a node pod
 * (image, pull policy, resources, journal, ports, node settings, the pod-template overlay, the
 * Secrets' names). Replicas, standby, timeouts, Service types and {@code paused} are not in it:
 * changing them rolls nothing.
 */
public final class Revision {

  private Revision() {}

  public static String of(LiveClusterSpec spec) {
    LiveClusterSpec s = spec.withDefaults();
    JSON json = new JSON();
    List<Object> parts = List.of(String.valueOf(s.image()), s.imagePullPolicy(), json.serialize(s.resources()),
        s.journal(), String.valueOf(s.opsTokenSecret()), s.ports(), new TreeMap<>(s.config()), s.development(),
        json.serialize(s.podTemplate()), String.valueOf(s.access()));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(parts.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JVM", e);
    }
  }
}
