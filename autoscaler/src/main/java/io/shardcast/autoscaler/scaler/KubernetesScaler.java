package io.shardcast.autoscaler.scaler;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Scale;
import io.kubernetes.client.util.Config;
import io.kubernetes.client.util.PatchUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * New nodes as pods: the autoscaler raises the replicas of the StatefulSet that runs Shardcast
 * (or of the {@code LiveCluster} resource, whose operator reconciles it) through the scale
 * subresource, with the Kubernetes Java client. Pods are expected to start as standbys
 * ({@code SHARDCAST_ROLE=standby}); the autoscaler activates them.
 *
 * <p>Replicas only ever go up on {@link #start}: a pod scheduled but not yet joined counts, so a
 * singleton that moved does not start it twice. Of a LiveCluster, the operator lowers them when a
 * drained node's pod exits. Of a StatefulSet, a node that left for good lowers them by one when it
 * was the highest ordinal (a StatefulSet removes pods from the top; the autoscaler drains the
 * youngest node first, which is that pod). Pods that crash before they join (CrashLoopBackOff, a
 * failed container, an image that cannot be pulled) are reported as failed starts, checked at most
 * every few seconds from the pods' status.
 */
public final class KubernetesScaler implements Scaler {

  private static final Logger log = LoggerFactory.getLogger(KubernetesScaler.class);

  /** The LiveCluster custom resource: {@code liveclusters.shardcast.io/v1alpha1}. */
  public static final String GROUP = "shardcast.io";
  public static final String VERSION = "v1alpha1";
  public static final String PLURAL = "liveclusters";
  private static final long POD_CHECK_MILLIS = 5_000;
  private final long podCheckMillis;
  private static final String MERGE = V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH;

  private final ApiClient client;
  private final String namespace;
  private final boolean liveCluster;
  private final String name;
  private final AppsV1Api apps;
  private final CustomObjectsApi custom;
  private final CoreV1Api core;
  private final Set<String> reportedFailures = new HashSet<>();
  private long lastPodCheckMillis;

  /**
   * @param kind {@code statefulset} or {@code livecluster}
   * @param namespace empty: the pod's own namespace
   */
  public KubernetesScaler(ApiClient client, String namespace, String kind, String name) {
    this(client, namespace, kind, name, POD_CHECK_MILLIS);
  }

  /** As above, checking pods at most every {@code podCheckMillis}. */
  KubernetesScaler(ApiClient client, String namespace, String kind, String name, long podCheckMillis) {
    this.podCheckMillis = podCheckMillis;
    this.client = client;
    this.namespace = namespace.isEmpty() ? ownNamespace() : namespace;
    this.liveCluster = kind.equals("livecluster");
    this.name = name;
    this.apps = new AppsV1Api(client);
    this.custom = new CustomObjectsApi(client);
    this.core = new CoreV1Api(client);
  }

  /** The client for where this runs: in a pod, its service account; elsewhere, the kubeconfig. */
  public static KubernetesScaler fromEnvironment(String namespace, String kind, String name) throws IOException {
    return new KubernetesScaler(Config.defaultClient(), namespace, kind, name);
  }

  @Override
  public String name() {
    return "kubernetes";
  }

  @Override
  public void start(int count, int existing, List<String> members) throws ApiException {
    int current = replicas();
    int target = Math.max(current, existing + count);
    if (target == current) {
      log.info("kubernetes scaler: {} {} already asks for {} replicas ({} nodes seen + {} wanted)", kind(), name,
          current, existing, count);
      return;
    }
    setReplicas(target);
    log.info("kubernetes scaler: {} {}/{} replicas {} -> {}", kind(), namespace, name, current, target);
  }

  @Override
  public void removed(String nodeId) throws ApiException {
    if (liveCluster) {
      // The operator lowers the replicas itself when it sees the drained node's pod exit: it owns
      // the pods and knows which one went, so the count drops exactly once.
      log.info("kubernetes scaler: {} left; LiveCluster {}/{} is lowered by its operator", nodeId, namespace, name);
      return;
    }
    int current = replicas();
    int ordinal = ordinal(nodeId);
    if (ordinal >= 0 && ordinal == current - 1) {
      setReplicas(current - 1);
      log.info("kubernetes scaler: {} {}/{} replicas {} -> {} ({} left)", kind(), namespace, name, current,
          current - 1, nodeId);
    } else {
      // Lowering the replicas would stop another pod (the highest ordinal): the pod restarts as a
      // standby instead, and the pool's excess is retired from the top later.
      log.info("kubernetes scaler: {} left but is not the highest ordinal of {} (ordinal {}): replicas stay {}",
          nodeId, name, ordinal, current);
    }
  }

  @Override
  public synchronized List<String> takeFailures() {
    long now = System.currentTimeMillis();
    if (lastPodCheckMillis != 0 && now - lastPodCheckMillis < podCheckMillis) {
      return List.of();
    }
    lastPodCheckMillis = now;
    List<String> out = new ArrayList<>();
    try {
      String selector = selector();
      if (selector == null) {
        return out;
      }
      Set<String> current = new HashSet<>();
      for (V1Pod pod : core.listNamespacedPod(namespace).labelSelector(selector).execute().getItems()) {
        String why = failure(pod);
        String pname = pod.getMetadata() == null ? "?" : pod.getMetadata().getName();
        if (why != null) {
          current.add(pname + "/" + why);
          if (reportedFailures.add(pname + "/" + why)) {
            out.add("pod " + namespace + "/" + pname + " is not starting: " + why);
          }
        }
      }
      reportedFailures.retainAll(current); // a pod that recovered may fail again, and is then reported again
    } catch (ApiException e) {
      // Not a failed start: the next start's call will fail (and back off) if the API server is away.
      log.warn("kubernetes scaler: listing the pods of {} failed: {}", name, describe(e));
    }
    return out;
  }

  /** Why a pod cannot become a node, or null when it is fine or still starting normally. */
  static String failure(V1Pod pod) {
    if (pod.getStatus() == null) {
      return null;
    }
    if ("Failed".equals(pod.getStatus().getPhase())) {
      return "phase Failed" + (pod.getStatus().getReason() == null ? "" : " (" + pod.getStatus().getReason() + ")");
    }
    if (pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (V1ContainerStatus c : pod.getStatus().getContainerStatuses()) {
      if (c.getState() != null && c.getState().getWaiting() != null) {
        String reason = c.getState().getWaiting().getReason();
        if (reason != null && List.of("CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff",
            "CreateContainerConfigError", "InvalidImageName").contains(reason)) {
          return reason + " (" + c.getName() + ")";
        }
      }
    }
    return null;
  }

  private int replicas() throws ApiException {
    try {
      if (liveCluster) {
        Object scale = custom.getNamespacedCustomObjectScale(GROUP, VERSION, namespace, PLURAL, name).execute();
        Object spec = scale instanceof Map<?, ?> m ? m.get("spec") : null;
        Object replicas = spec instanceof Map<?, ?> m ? m.get("replicas") : null;
        return replicas instanceof Number n ? n.intValue() : 0;
      }
      V1Scale scale = apps.readNamespacedStatefulSetScale(name, namespace).execute();
      return scale.getSpec() == null || scale.getSpec().getReplicas() == null ? 0 : scale.getSpec().getReplicas();
    } catch (ApiException e) {
      throw new ApiException("reading the scale of " + kind() + " " + namespace + "/" + name + " failed: "
          + describe(e), e, e.getCode(), e.getResponseHeaders(), e.getResponseBody());
    }
  }

  private void setReplicas(int replicas) throws ApiException {
    V1Patch patch = new V1Patch("{\"spec\":{\"replicas\":" + replicas + "}}");
    try {
      if (liveCluster) {
        PatchUtils.patch(Object.class, () -> custom.patchNamespacedCustomObjectScale(GROUP, VERSION, namespace, PLURAL,
            name, patch).buildCall(null), MERGE, client);
      } else {
        PatchUtils.patch(V1Scale.class, () -> apps.patchNamespacedStatefulSetScale(name, namespace, patch)
            .buildCall(null), MERGE, client);
      }
    } catch (ApiException e) {
      throw new ApiException("scaling " + kind() + " " + namespace + "/" + name + " to " + replicas + " failed: "
          + describe(e), e, e.getCode(), e.getResponseHeaders(), e.getResponseBody());
    }
  }

  /** The label selector of the workload's pods, from its scale subresource's status. */
  private String selector() throws ApiException {
    if (liveCluster) {
      Object scale = custom.getNamespacedCustomObjectScale(GROUP, VERSION, namespace, PLURAL, name).execute();
      Object status = scale instanceof Map<?, ?> m ? m.get("status") : null;
      Object selector = status instanceof Map<?, ?> m ? m.get("selector") : null;
      return selector instanceof String s ? s : null;
    }
    V1Scale scale = apps.readNamespacedStatefulSetScale(name, namespace).execute();
    return scale.getStatus() == null ? null : scale.getStatus().getSelector();
  }

  /** The StatefulSet ordinal of a node whose host is its pod name ({@code name-3.service...}); -1 if none. */
  int ordinal(String nodeId) {
    int at = nodeId.lastIndexOf('@');
    String host = at >= 0 ? nodeId.substring(at + 1) : nodeId;
    int colon = host.lastIndexOf(':');
    host = colon >= 0 ? host.substring(0, colon) : host;
    int dot = host.indexOf('.');
    String pod = dot >= 0 ? host.substring(0, dot) : host;
    String prefix = name + "-";
    if (!pod.startsWith(prefix)) {
      return -1;
    }
    try {
      return Integer.parseInt(pod.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private String kind() {
    return liveCluster ? "LiveCluster" : "StatefulSet";
  }

  private static String describe(ApiException e) {
    if (e.getCode() == 0) {
      return "API server unreachable (" + (e.getCause() == null ? e.getMessage() : e.getCause().toString()) + ")";
    }
    String body = e.getResponseBody() == null ? "" : e.getResponseBody();
    return String.format(Locale.ROOT, "HTTP %d %s", e.getCode(), body.length() > 300 ? body.substring(0, 300) : body);
  }

  private static String ownNamespace() {
    try {
      return Files.readString(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace")).trim();
    } catch (IOException e) {
      return "default";
    }
  }
}
