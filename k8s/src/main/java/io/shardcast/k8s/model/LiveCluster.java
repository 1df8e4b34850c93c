package io.shardcast.k8s.model;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;

/**
 * The {@code LiveCluster} custom resource ({@code liveclusters.shardcast.io/v1alpha1}): one
 * Shardcast cluster as a platform team asks for it, and as the operator reports it.
 */
public record LiveCluster(String apiVersion, String kind, V1ObjectMeta metadata, LiveClusterSpec spec,
    LiveClusterStatus status) implements KubernetesObject {

  public static final String GROUP = "shardcast.io";
  public static final String VERSION = "v1alpha1";
  public static final String PLURAL = "liveclusters";
  public static final String KIND = "LiveCluster";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  @Override
  public V1ObjectMeta getMetadata() {
    return metadata;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public String getKind() {
    return kind;
  }

  public String name() {
    return metadata.getName();
  }

  public String namespace() {
    return metadata.getNamespace();
  }

  public LiveCluster withStatus(LiveClusterStatus next) {
    return new LiveCluster(apiVersion, kind, metadata, spec, next);
  }
}
