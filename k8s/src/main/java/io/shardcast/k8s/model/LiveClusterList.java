package io.shardcast.k8s.model;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.openapi.models.V1ListMeta;
import java.util.List;

/** A list of {@link LiveCluster}s, as the API server answers a list. */
public record LiveClusterList(String apiVersion, String kind, V1ListMeta metadata, List<LiveCluster> items)
    implements KubernetesListObject {

  @Override
  public V1ListMeta getMetadata() {
    return metadata;
  }

  @Override
  public List<LiveCluster> getItems() {
    return items == null ? List.of() : items;
  }

  @Override
  public String getApiVersion() {
    return apiVersion;
  }

  @Override
  public String getKind() {
    return kind;
  }
}
