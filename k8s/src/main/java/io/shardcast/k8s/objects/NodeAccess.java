package io.shardcast.k8s.objects;

import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.shardcast.k8s.model.LiveCluster;
import java.util.List;

/**
 * What the nodes may do in the Kubernetes API, and nothing more: read the pods (Cluster Bootstrap
 * finds its contact points there; the autoscaler checks for pods that crashed), hold the
 * split-brain resolver's lease, and read and scale their own LiveCluster (the autoscaler).
 */
public final class NodeAccess {

  private NodeAccess() {}

  public static V1ServiceAccount account(LiveCluster c) {
    return new V1ServiceAccount().apiVersion("v1").kind("ServiceAccount")
        .metadata(Names.owned(c, Names.nodeAccount(c)));
  }

  public static V1Role role(LiveCluster c) {
    return new V1Role().apiVersion("rbac.authorization.k8s.io/v1").kind("Role")
        .metadata(Names.owned(c, Names.nodeAccount(c)))
        .rules(List.of(
            new V1PolicyRule().apiGroups(List.of("")).resources(List.of("pods")).verbs(List.of("get", "list", "watch")),
            new V1PolicyRule().apiGroups(List.of("pekko.apache.org")).resources(List.of("leases"))
                .verbs(List.of("get", "create", "update", "list")),
            new V1PolicyRule().apiGroups(List.of(LiveCluster.GROUP)).resources(List.of(LiveCluster.PLURAL))
                .resourceNames(List.of(c.name())).verbs(List.of("get")),
            new V1PolicyRule().apiGroups(List.of(LiveCluster.GROUP)).resources(List.of(LiveCluster.PLURAL + "/scale"))
                .resourceNames(List.of(c.name())).verbs(List.of("get", "patch", "update"))));
  }

  public static V1RoleBinding binding(LiveCluster c) {
    return new V1RoleBinding().apiVersion("rbac.authorization.k8s.io/v1").kind("RoleBinding")
        .metadata(Names.owned(c, Names.nodeAccount(c)))
        .roleRef(new V1RoleRef().apiGroup("rbac.authorization.k8s.io").kind("Role").name(Names.nodeAccount(c)))
        .subjects(List.of(new RbacV1Subject().kind("ServiceAccount").name(Names.nodeAccount(c))
            .namespace(c.namespace())));
  }
}
