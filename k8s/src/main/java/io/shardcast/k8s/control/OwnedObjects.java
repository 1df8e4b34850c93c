package io.shardcast.k8s.control;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.PolicyV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.shardcast.k8s.model.LiveCluster;
import io.shardcast.k8s.objects.NodeAccess;
import io.shardcast.k8s.objects.NodeConfig;
import io.shardcast.k8s.objects.NodeDisruptionBudget;
import io.shardcast.k8s.objects.NodeServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Brings the objects a LiveCluster owns besides its pods to what its spec says: each is created
 * when missing and replaced (with the resourceVersion read, so a concurrent change is a conflict,
 * retried) when the part the operator manages differs. A Service keeps what the API server
 * assigned it (cluster IP, node ports).
 */
final class OwnedObjects {

  private final CoreV1Api core;
  private final RbacAuthorizationV1Api rbac;
  private final PolicyV1Api policy;
  private final JSON json = new JSON();

  OwnedObjects(ApiClient client) {
    this.core = new CoreV1Api(client);
    this.rbac = new RbacAuthorizationV1Api(client);
    this.policy = new PolicyV1Api(client);
  }

  /** Ensures every owned object; returns what was created or changed, as {@code Kind/name}. */
  List<String> ensure(LiveCluster c) throws ApiException {
    List<String> changed = new ArrayList<>();
    String ns = c.namespace();

    V1ServiceAccount account = NodeAccess.account(c);
    if (read(() -> core.readNamespacedServiceAccount(name(account.getMetadata()), ns).execute()) == null) {
      core.createNamespacedServiceAccount(ns, account).execute();
      changed.add("ServiceAccount/" + name(account.getMetadata()));
    }

    V1Role role = NodeAccess.role(c);
    V1Role haveRole = read(() -> rbac.readNamespacedRole(name(role.getMetadata()), ns).execute());
    if (haveRole == null) {
      rbac.createNamespacedRole(ns, role).execute();
      changed.add("Role/" + name(role.getMetadata()));
    } else if (!same(haveRole.getRules(), role.getRules())) {
      role.getMetadata().resourceVersion(haveRole.getMetadata().getResourceVersion());
      rbac.replaceNamespacedRole(name(role.getMetadata()), ns, role).execute();
      changed.add("Role/" + name(role.getMetadata()));
    }

    V1RoleBinding binding = NodeAccess.binding(c);
    V1RoleBinding haveBinding = read(() -> rbac.readNamespacedRoleBinding(name(binding.getMetadata()), ns).execute());
    if (haveBinding == null) {
      rbac.createNamespacedRoleBinding(ns, binding).execute();
      changed.add("RoleBinding/" + name(binding.getMetadata()));
    } else if (!same(haveBinding.getSubjects(), binding.getSubjects())
        || !same(haveBinding.getRoleRef(), binding.getRoleRef())) {
      binding.getMetadata().resourceVersion(haveBinding.getMetadata().getResourceVersion());
      rbac.replaceNamespacedRoleBinding(name(binding.getMetadata()), ns, binding).execute();
      changed.add("RoleBinding/" + name(binding.getMetadata()));
    }

    V1ConfigMap config = NodeConfig.of(c);
    V1ConfigMap haveConfig = read(() -> core.readNamespacedConfigMap(name(config.getMetadata()), ns).execute());
    if (haveConfig == null) {
      core.createNamespacedConfigMap(ns, config).execute();
      changed.add("ConfigMap/" + name(config.getMetadata()));
    } else if (!Objects.equals(haveConfig.getData(), config.getData())) {
      config.getMetadata().resourceVersion(haveConfig.getMetadata().getResourceVersion());
      core.replaceNamespacedConfigMap(name(config.getMetadata()), ns, config).execute();
      changed.add("ConfigMap/" + name(config.getMetadata()));
    }

    for (V1Service service : NodeServices.of(c)) {
      V1Service have = read(() -> core.readNamespacedService(name(service.getMetadata()), ns).execute());
      if (have == null) {
        core.createNamespacedService(ns, service).execute();
        changed.add("Service/" + name(service.getMetadata()));
      } else if (!Objects.equals(have.getSpec().getType() == null ? "ClusterIP" : have.getSpec().getType(),
          service.getSpec().getType() == null ? "ClusterIP" : service.getSpec().getType())
          || !same(have.getSpec().getSelector(), service.getSpec().getSelector())
          || !same(have.getSpec().getPorts().stream().map(p -> p.getName() + ":" + p.getPort()).toList(),
              service.getSpec().getPorts().stream().map(p -> p.getName() + ":" + p.getPort()).toList())) {
        // Keep what the API server assigned.
        service.getSpec().clusterIP(have.getSpec().getClusterIP()).clusterIPs(have.getSpec().getClusterIPs());
        service.getMetadata().resourceVersion(have.getMetadata().getResourceVersion());
        core.replaceNamespacedService(name(service.getMetadata()), ns, service).execute();
        changed.add("Service/" + name(service.getMetadata()));
      }
    }

    V1PodDisruptionBudget budget = NodeDisruptionBudget.of(c);
    V1PodDisruptionBudget haveBudget = read(() ->
        policy.readNamespacedPodDisruptionBudget(name(budget.getMetadata()), ns).execute());
    if (haveBudget == null) {
      policy.createNamespacedPodDisruptionBudget(ns, budget).execute();
      changed.add("PodDisruptionBudget/" + name(budget.getMetadata()));
    }
    return changed;
  }

  private boolean same(Object a, Object b) {
    return json.serialize(a).equals(json.serialize(b));
  }

  private static String name(io.kubernetes.client.openapi.models.V1ObjectMeta m) {
    return m.getName();
  }

  interface Read<T> {
    T get() throws ApiException;
  }

  /** The object, or null when the API server has none. */
  static <T> T read(Read<T> read) throws ApiException {
    try {
      return read.get();
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw e;
    }
  }
}
