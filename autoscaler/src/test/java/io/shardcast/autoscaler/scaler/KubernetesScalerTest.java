package io.shardcast.autoscaler.scaler;

import static org.junit.jupiter.api.Assertions.*;

import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1StatefulSetSpec;
import io.kubernetes.client.util.ClientBuilder;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes backend against fabric8's API server emulation (CRUD mode, extended by
 * {@link ApiServerEmulation}). A real API server cannot
 * run here (no binaries, no container engine).
 */
class KubernetesScalerTest {

  private static final Map<String, String> LABELS = Map.of("app", "shardcast");
  KubernetesMockServer server;
  ApiServerEmulation api;
  ApiClient client;

  @BeforeEach
  void start() {
    CustomResourceDefinitionContext liveCluster = new CustomResourceDefinitionContext.Builder()
        .withGroup(KubernetesScaler.GROUP).withVersion(KubernetesScaler.VERSION).withPlural(KubernetesScaler.PLURAL)
        .withKind("LiveCluster").withScope("Namespaced").build();
    api = new ApiServerEmulation(List.of(liveCluster));
    server = api.start(false);
    client = new ClientBuilder().setBasePath(server.url("/").replaceAll("/$", "")).build();
  }

  @AfterEach
  void stop() {
    server.destroy();
  }

  @Test
  void startsRaiseTheStatefulSetsReplicasAndALeavingTopPodLowersThem() throws Exception {
    createStatefulSet(2);
    KubernetesScaler scaler = new KubernetesScaler(client, "live", "statefulset", "shardcast", 0);
    scaler.start(1, 2, List.of());
    assertEquals(3, replicas(), "two nodes seen, one more wanted");
    assertTrue(api.requests.stream().anyMatch(r -> r.startsWith("PATCH /apis/apps/v1/namespaces/live/statefulsets/"
        + "shardcast/scale") && r.contains("application/merge-patch+json") && r.contains("{\"spec\":{\"replicas\":3}}")),
        "a merge patch of the scale subresource: " + api.requests);

    // A new singleton that sees only one node while two pods are still starting asks for one more:
    // the replicas never go down on a start, so nothing pending is stopped or started twice.
    scaler.start(1, 1, List.of());
    assertEquals(3, replicas());

    scaler.removed("pekko://shardcast@shardcast-0.shardcast.live.svc:25520");
    assertEquals(3, replicas(), "the oldest pod left: lowering the replicas would stop the top pod instead");
    scaler.removed("pekko://shardcast@shardcast-2.shardcast.live.svc:25520");
    assertEquals(2, replicas(), "the top pod left for good: the StatefulSet shrinks by it");
  }

  @Test
  void startsRaiseTheLiveClusterResourceForItsOperatorToReconcile() throws Exception {
    Map<String, Object> cr = Map.of("apiVersion", KubernetesScaler.GROUP + "/" + KubernetesScaler.VERSION,
        "kind", "LiveCluster", "metadata", Map.of("name", "sale-night", "namespace", "live"),
        "spec", Map.of("replicas", 3, "selector", Map.of("matchLabels", LABELS)));
    new CustomObjectsApi(client).createNamespacedCustomObject(KubernetesScaler.GROUP, KubernetesScaler.VERSION, "live",
        KubernetesScaler.PLURAL, cr).execute();
    new KubernetesScaler(client, "live", "livecluster", "sale-night", 0).start(2, 3, List.of());
    Object stored = new CustomObjectsApi(client).getNamespacedCustomObject(KubernetesScaler.GROUP,
        KubernetesScaler.VERSION, "live", KubernetesScaler.PLURAL, "sale-night").execute();
    assertEquals(5, ((Number) ((Map<?, ?>) ((Map<?, ?>) stored).get("spec")).get("replicas")).intValue());

    new KubernetesScaler(client, "live", "livecluster", "sale-night", 0).removed("pekko://shardcast@10.0.0.7:25520");
    stored = new CustomObjectsApi(client).getNamespacedCustomObject(KubernetesScaler.GROUP,
        KubernetesScaler.VERSION, "live", KubernetesScaler.PLURAL, "sale-night").execute();
    assertEquals(5, ((Number) ((Map<?, ?>) ((Map<?, ?>) stored).get("spec")).get("replicas")).intValue(),
        "a node leaving is the operator's to count: it sees which pod exited");
  }

  @Test
  void podsThatCannotStartAreReportedOnceAsFailedStarts() throws Exception {
    createStatefulSet(3);
    createPod("shardcast-0", null);
    createPod("shardcast-2", "CrashLoopBackOff");
    KubernetesScaler scaler = new KubernetesScaler(client, "live", "statefulset", "shardcast", 0);
    List<String> failures = scaler.takeFailures();
    assertEquals(1, failures.size(), failures.toString());
    assertTrue(failures.get(0).contains("shardcast-2") && failures.get(0).contains("CrashLoopBackOff"), failures.get(0));
    assertEquals(List.of(), scaler.takeFailures(), "each failure is reported once");
  }

  @Test
  void backendErrorsAreThrownWithWhatWentWrong() throws Exception {
    KubernetesScaler scaler = new KubernetesScaler(client, "live", "statefulset", "missing", 0);
    ApiException notFound = assertThrows(ApiException.class, () -> scaler.start(1, 1, List.of()));
    assertTrue(notFound.getMessage().contains("StatefulSet live/missing") && notFound.getMessage().contains("HTTP 404"),
        notFound.getMessage());

    createStatefulSet(1);
    api.failWith = 403;
    ApiException forbidden = assertThrows(ApiException.class,
        () -> new KubernetesScaler(client, "live", "statefulset", "shardcast", 0).start(1, 1, List.of()));
    assertTrue(forbidden.getMessage().contains("HTTP 403"), forbidden.getMessage());

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    ApiClient nowhere = new ClientBuilder().setBasePath("http://127.0.0.1:" + closed).build();
    ApiException unreachable = assertThrows(ApiException.class,
        () -> new KubernetesScaler(nowhere, "live", "statefulset", "shardcast", 0).start(1, 1, List.of()));
    assertTrue(unreachable.getMessage().contains("API server unreachable"), unreachable.getMessage());
  }

  private void createStatefulSet(int replicas) throws ApiException {
    V1StatefulSet sts = new V1StatefulSet().apiVersion("apps/v1").kind("StatefulSet")
        .metadata(new V1ObjectMeta().name("shardcast").namespace("live"))
        .spec(new V1StatefulSetSpec().replicas(replicas).serviceName("shardcast")
            .selector(new V1LabelSelector().matchLabels(LABELS))
            .template(new V1PodTemplateSpec().metadata(new V1ObjectMeta().labels(LABELS))
                .spec(new V1PodSpec().containers(List.of(new V1Container().name("node").image("shardcast:dev"))))));
    new AppsV1Api(client).createNamespacedStatefulSet("live", sts).execute();
  }

  private void createPod(String name, String waitingReason) throws ApiException {
    V1ContainerState state = waitingReason == null ? new V1ContainerState()
        : new V1ContainerState().waiting(new V1ContainerStateWaiting().reason(waitingReason));
    V1Pod pod = new V1Pod().apiVersion("v1").kind("Pod")
        .metadata(new V1ObjectMeta().name(name).namespace("live").labels(LABELS))
        .spec(new V1PodSpec().containers(List.of(new V1Container().name("node").image("shardcast:dev"))))
        .status(new V1PodStatus().phase("Running").containerStatuses(List.of(new V1ContainerStatus().name("node")
            .image("shardcast:dev").imageID("").ready(false).restartCount(3).state(state))));
    new CoreV1Api(client).createNamespacedPod("live", pod).execute();
  }

  private int replicas() throws ApiException {
    return new AppsV1Api(client).readNamespacedStatefulSet("shardcast", "live").execute().getSpec().getReplicas();
  }
}
