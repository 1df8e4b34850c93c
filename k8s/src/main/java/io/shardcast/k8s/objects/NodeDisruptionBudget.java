package io.shardcast.k8s.objects;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetSpec;
import io.shardcast.k8s.model.LiveCluster;

/** At most one node pod down to a voluntary disruption (a node drain by the platform, an eviction). */
public final class NodeDisruptionBudget {

  private NodeDisruptionBudget() {}

  public static V1PodDisruptionBudget of(LiveCluster c) {
    return new V1PodDisruptionBudget().apiVersion("policy/v1").kind("PodDisruptionBudget")
        .metadata(Names.owned(c, Names.disruptionBudget(c)))
        .spec(new V1PodDisruptionBudgetSpec().maxUnavailable(new IntOrString(1))
            .selector(new V1LabelSelector().matchLabels(Names.selector(c))));
  }
}
