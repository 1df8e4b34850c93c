package io.shardcast.k8s.control;

import static org.junit.jupiter.api.Assertions.*;

import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.PatchUtils;
import io.shardcast.autoscaler.scaler.ApiServerEmulation;
import io.shardcast.autoscaler.scaler.CrdAdmission;
import io.shardcast.k8s.model.LiveCluster;
import io.shardcast.k8s.objects.Names;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The operator against the emulated API server: its informers, work queue, leader election and
 * reconciler, as deployed. The test plays the kubelet (it gives each pod the operator creates an
 * address and readiness) and the Shardcast cluster's ops API (a stand-in answering roles from a
 * table and recording the orders), so that what the operator asks of Kubernetes can be asserted
 * request by request. The whole thing with real nodes is the end-to-end test.
 */
class OperatorTest {

  static final String NS = "live";
  KubernetesMockServer server;
  ApiServerEmulation api;
  ApiClient client;
  CoreV1Api core;
  CustomObjectsApi custom;
  Operator operator;
  final StandIn cluster = new StandIn();

  /** The cluster's ops API as the operator sees it: roles by pod IP, orders recorded in the request log. */
  final class StandIn implements ClusterOps {
    final Map<String, ClusterReport.Node> byHost = new ConcurrentHashMap<>();
    volatile boolean saleAhead;

    @Override
    public ClusterReport read(String gateway, String token) {
      assertEquals("ops-secret", token);
      return new ClusterReport(Map.copyOf(byHost), "127.0.1.1", saleAhead);
    }

    @Override
    public void drain(String gateway, String node, String token) {
      assertEquals("ops-secret", token);
      api.requests.add("OPS drain " + node);
      byHost.computeIfPresent(ClusterReport.host(node), (h, n) -> new ClusterReport.Node(n.address(), "DRAINING", 0));
    }

    @Override
    public void retire(String gateway, String node, String token) {
      assertEquals("ops-secret", token);
      api.requests.add("OPS retire " + node);
    }
  }

  /** How far the operator's clock is ahead of the wall clock: the test moves time, it does not wait for it. */
  final AtomicLong skew = new AtomicLong();

  @BeforeEach
  void start() throws Exception {
    skew.set(0);
    CustomResourceDefinitionContext crd = new CustomResourceDefinitionContext.Builder()
        .withGroup(LiveCluster.GROUP).withVersion(LiveCluster.VERSION).withPlural(LiveCluster.PLURAL)
        .withKind(LiveCluster.KIND).withScope("Namespaced").withStatusSubresource(true).build();
    api = new ApiServerEmulation(List.of(crd));
    api.admit(CrdAdmission.of(Path.of("crd", "liveclusters.shardcast.io.yaml")));
    server = api.start(false);
    client = new ClientBuilder().setBasePath(server.url("/").replaceAll("/$", "")).setReadTimeout(Duration.ZERO)
        .build();
    core = new CoreV1Api(client);
    custom = new CustomObjectsApi(client);
    try {
    core.createNamespacedSecret(NS, new V1Secret().apiVersion("v1").kind("Secret").metadata(new V1ObjectMeta().name("ops").namespace(NS))
        .data(Map.of("token", "ops-secret".getBytes(StandardCharsets.UTF_8)))).execute();
    } catch (ApiException e) {
      throw new AssertionError(e.getResponseBody(), e);
    }
    operator = new Operator(client, NS, "operator-test", cluster, OperatorMetrics.start(
        com.typesafe.config.ConfigFactory.load()), Duration.ofSeconds(15), Duration.ofSeconds(10),
        Duration.ofMillis(200), () -> System.currentTimeMillis() + skew.get());
    operator.start();
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    server.destroy();
  }

  void apply(String spec) throws ApiException {
    Map<String, Object> body = Map.of("apiVersion", LiveCluster.API_VERSION, "kind", LiveCluster.KIND,
        "metadata", Map.of("name", "shop", "namespace", NS), "spec", new Yaml().load(spec));
    custom.createNamespacedCustomObject(LiveCluster.GROUP, LiveCluster.VERSION, NS, LiveCluster.PLURAL, body).execute();
  }

  static final String SPEC = """
      image: shardcast:1
      replicas: 3
      standby: 1
      opsTokenSecret: {name: ops, key: token}
      journal: {url: "jdbc:postgresql://pg:5432/shardcast"}
      """;

  List<V1Pod> pods() throws ApiException {
    return core.listNamespacedPod(NS).labelSelector(Names.CLUSTER_LABEL + "=shop").execute().getItems();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> status() throws ApiException {
    Map<String, Object> lc = (Map<String, Object>) custom.getNamespacedCustomObject(LiveCluster.GROUP,
        LiveCluster.VERSION, NS, LiveCluster.PLURAL, "shop").execute();
    return lc.get("status") == null ? Map.of() : (Map<String, Object>) lc.get("status");
  }

  static <T> T await(String what, Supplier<T> probe) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < until) {
      T value = probe.get();
      if (value != null && !Boolean.FALSE.equals(value)) {
        return value;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not within 20 s: " + what);
  }

  interface Probe<T> {
    T get() throws Exception;
  }

  static <T> Supplier<T> quietly(Probe<T> p) {
    return () -> {
      try {
        return p.get();
      } catch (Exception e) {
        return null;
      }
    };
  }

  /** The requests from the {@code from}th on, copied while no one adds to them. */
  List<String> since(int from) {
    List<String> all = List.copyOf(api.requests);
    return all.subList(from, all.size());
  }

  /** As the kubelet: every pending node pod gets 127.0.1.{ordinal+1}, runs and turns ready; its node reports. */
  void runPods() throws Exception {
    for (V1Pod p : pods()) {
      if (p.getStatus() != null && p.getStatus().getPodIP() != null) {
        continue;
      }
      int ordinal = Names.ordinal(new LiveCluster(null, null, new V1ObjectMeta().name("shop"), null, null),
          p.getMetadata().getName());
      String ip = "127.0.1." + (ordinal + 1);
      p.status(new V1PodStatus().phase("Running").podIP(ip).conditions(List.of(new V1PodCondition().type("Ready")
          .status("True"))));
      core.replaceNamespacedPodStatus(p.getMetadata().getName(), NS, p).execute();
      String role = p.getMetadata().getAnnotations().get(Names.START_ROLE_ANNOTATION).toUpperCase();
      cluster.byHost.put(ip, new ClusterReport.Node("pekko://shardcast@" + ip + ":25520", role, 100));
    }
  }

  void leave(String pod) throws Exception {
    V1Pod p = core.readNamespacedPod(pod, NS).execute();
    cluster.byHost.remove(p.getStatus().getPodIP());
    p.getStatus().phase("Succeeded").conditions(List.of(new V1PodCondition().type("Ready").status("False")));
    core.replaceNamespacedPodStatus(pod, NS, p).execute();
  }

  @Test
  void aLiveClusterGetsItsPodsAndObjectsAndReportsReady() throws Exception {
    apply(SPEC);
    await("three pods", quietly(() -> pods().size() == 3));
    List<String> roles = new ArrayList<>();
    for (V1Pod p : pods()) {
      roles.add(p.getMetadata().getName() + "=" + p.getMetadata().getAnnotations().get(Names.START_ROLE_ANNOTATION));
      assertEquals("node", p.getSpec().getContainers().get(0).getName());
      assertTrue(p.getSpec().getContainers().get(0).getArgs().containsAll(List.of("--discovery", "kubernetes-api")));
      assertEquals("shop", p.getMetadata().getOwnerReferences().get(0).getName());
    }
    roles.sort(null);
    assertEquals(List.of("shop-0=active", "shop-1=active", "shop-2=standby"), roles);
    for (String owned : List.of("/api/v1/namespaces/live/services/shop-nodes", "/api/v1/namespaces/live/services/shop-viewer",
        "/api/v1/namespaces/live/configmaps/shop-config", "/api/v1/namespaces/live/serviceaccounts/shop-node",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/live/roles/shop-node",
        "/apis/policy/v1/namespaces/live/poddisruptionbudgets/shop-nodes")) {
      assertTrue(api.requests.stream().anyMatch(r -> r.startsWith("POST " + owned.substring(0, owned.lastIndexOf('/')))),
          "created: " + owned);
    }
    runPods();
    Map<String, Object> status = await("Ready", quietly(() -> "Running".equals(status().get("phase")) ? status() : null));
    assertEquals(3, ((Number) status.get("readyReplicas")).intValue());
    assertEquals(2, ((Number) status.get("activeNodes")).intValue());
    assertEquals("shardcast.io/cluster=shop", status.get("selector"));
    assertEquals("True", condition(status, "Ready").get("status"), status.toString());
    assertEquals("False", condition(status, "Degraded").get("status"), status.toString());
    // The public viewer Service selects serving pods: the active ones are labelled so.
    await("serving labels", quietly(() -> pods().stream().filter(p -> "true".equals(p.getMetadata().getLabels()
        .get(Names.SERVING_LABEL))).count() == 2));
    assertEveryRequestIsAllowedByTheOperatorsRole();
  }

  @Test
  void scaleInRetiresTheStandbyFirstAndDeletesItsPodOnlyOnceItLeft() throws Exception {
    apply(SPEC);
    await("three pods", quietly(() -> pods().size() == 3));
    runPods();
    await("running", quietly(() -> "Running".equals(status().get("phase"))));
    PatchUtils.patch(Object.class, () -> custom.patchNamespacedCustomObjectScale(LiveCluster.GROUP, LiveCluster.VERSION,
        NS, LiveCluster.PLURAL, "shop", new V1Patch("{\"spec\":{\"replicas\":2}}")).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
    await("the standby is retired", () -> api.requests.contains("OPS retire pekko://shardcast@127.0.1.3:25520"));
    assertEquals("scale-in", core.readNamespacedPod("shop-2", NS).execute().getMetadata().getAnnotations()
        .get(Names.LEAVING_ANNOTATION));
    assertFalse(api.requests.stream().anyMatch(r -> r.startsWith("DELETE /api/v1/namespaces/live/pods/shop-2")),
        "its pod stays until its node left");
    leave("shop-2");
    await("the pod goes", quietly(() -> pods().size() == 2));
    int retire = api.requests.indexOf("OPS retire pekko://shardcast@127.0.1.3:25520");
    int delete = indexOf("DELETE /api/v1/namespaces/live/pods/shop-2");
    assertTrue(retire >= 0 && delete > retire, "retired before deleted");
    await("running at 2", quietly(() -> "Running".equals(status().get("phase"))
        && ((Number) status().get("replicas")).intValue() == 2));
    assertFalse(api.requests.stream().anyMatch(r -> r.startsWith("PATCH") && r.contains("/scale")
        && r.contains("\"replicas\":1")), "the replicas are not lowered again");
    assertEquals(1, since(0).stream().filter(r -> r.startsWith("DELETE /api/v1/namespaces/live/pods/shop-2")).count(),
        "the pod is deleted once, however late the informer shows it gone");
  }

  @Test
  void noScaleInWhileAFlashSaleIsAboutToOpen() throws Exception {
    apply(SPEC);
    await("three pods", quietly(() -> pods().size() == 3));
    runPods();
    cluster.saleAhead = true;
    await("running", quietly(() -> "Running".equals(status().get("phase"))));
    PatchUtils.patch(Object.class, () -> custom.patchNamespacedCustomObjectScale(LiveCluster.GROUP, LiveCluster.VERSION,
        NS, LiveCluster.PLURAL, "shop", new V1Patch("{\"spec\":{\"replicas\":2}}")).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
    await("held", quietly(() -> status().get("conditions").toString().contains("reason=ScaleInHeldForSale")));
    assertFalse(api.requests.stream().anyMatch(r -> r.startsWith("OPS")), "no node was ordered to leave");
    cluster.saleAhead = false;
    await("the standby is retired once the sale is over",
        () -> api.requests.contains("OPS retire pekko://shardcast@127.0.1.3:25520"));
  }

  @Test
  void aPodDeletedByHandComesBack() throws Exception {
    apply(SPEC);
    await("three pods", quietly(() -> pods().size() == 3));
    runPods();
    core.deleteNamespacedPod("shop-1", NS).execute();
    await("shop-1 is back", quietly(() -> pods().stream().anyMatch(p -> p.getMetadata().getName().equals("shop-1")
        && p.getStatus() == null || p.getMetadata().getName().equals("shop-1") && p.getStatus().getPodIP() == null)));
  }

  @Test
  void anApiServerThatRefusesEverythingStopsTheLeaderAndTouchesNoPodAndItLeadsAgainWhenTheServerIsBack()
      throws Exception {
    apply(SPEC);
    await("three pods", quietly(() -> pods().size() == 3));
    runPods();
    await("running", quietly(() -> "Running".equals(status().get("phase"))));
    int outage = api.requests.size();
    api.failWith = 503;
    // The lease cannot be renewed: past its renew deadline the operator stops leading, and lives on.
    await("renewals refused", () -> since(outage).stream().filter(r -> r.startsWith("PUT /apis/coordination.k8s.io/v1/namespaces/live/leases/")
            || r.startsWith("GET /apis/coordination.k8s.io/v1/namespaces/live/leases/")).count() >= 3);
    skew.addAndGet(Duration.ofSeconds(11).toMillis());
    await("no longer leading", () -> !operator.leading());
    api.failWith = 0;
    await("leading again", operator::leading);
    PatchUtils.patch(Object.class, () -> custom.patchNamespacedCustomObjectScale(LiveCluster.GROUP, LiveCluster.VERSION,
        NS, LiveCluster.PLURAL, "shop", new V1Patch("{\"spec\":{\"replicas\":4}}")).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
    await("it acts again: a fourth pod", quietly(() -> pods().size() == 4));
    assertFalse(api.requests.stream().anyMatch(r -> r.startsWith("DELETE /api/v1/namespaces/live/pods/")),
        "no serving pod was deleted to get over the outage");
  }

  @Test
  void aConflictOrAnErrorOnAWriteIsRetriedUntilItLands() throws Exception {
    String statusPut = "PUT /apis/shardcast.io/v1alpha1/namespaces/live/liveclusters/shop/status";
    String podPost = "POST /api/v1/namespaces/live/pods";
    api.failOnce.put(statusPut, 409);
    api.failOnce.put(podPost, 500);
    apply(SPEC);
    await("three pods", quietly(() -> pods().size() == 3));
    runPods();
    await("running", quietly(() -> "Running".equals(status().get("phase"))));
    assertTrue(api.failOnce.isEmpty(), "both writes were refused once");
    assertTrue(since(0).stream().filter(r -> r.startsWith(statusPut)).count() >= 2, "the status was written again");
    assertTrue(since(0).stream().filter(r -> r.startsWith(podPost)).count() >= 4, "the refused pod was created again");
  }

  @Test
  void anInvalidSpecOrAMissingSecretIsAConditionAndAnEventAndTouchesNoPod() throws Exception {
    apply(SPEC.replace("journal: {url: \"jdbc:postgresql://pg:5432/shardcast\"}", "journal: {kind: h2}"));
    Map<String, Object> status = await("Invalid", quietly(() -> "Invalid".equals(status().get("phase")) ? status() : null));
    assertTrue(status.get("conditions").toString().contains("reason=InvalidSpec"), status.toString());
    assertTrue(status.get("conditions").toString().contains("spec.development"), status.toString());
    assertEquals(0, pods().size());
    await("a warning event", () -> api.requests.stream().anyMatch(r -> r.startsWith("POST /api/v1/namespaces/live/events")
        && r.contains("InvalidSpec")));

    core.deleteNamespacedSecret("ops", NS).execute();
    PatchUtils.patch(Object.class, () -> custom.patchNamespacedCustomObject(LiveCluster.GROUP, LiveCluster.VERSION,
        NS, LiveCluster.PLURAL, "shop", new V1Patch("[{\"op\":\"replace\",\"path\":\"/spec/journal\","
            + "\"value\":{\"url\":\"jdbc:postgresql://pg/x\"}}]")).buildCall(null), V1Patch.PATCH_FORMAT_JSON_PATCH,
        client);
    await("MissingSecret", quietly(() -> status().get("conditions").toString().contains("reason=MissingSecret")));
    assertEquals(0, pods().size());
  }

  @Test
  void aMissingViewerTokenSecretIsNamedAndTouchesNoPod() throws Exception {
    apply(SPEC + "access: {viewers: platform, viewerTokenSecret: {name: platform, key: hs256}}\n");
    Map<String, Object> status = await("MissingSecret", quietly(() ->
        status().get("conditions").toString().contains("reason=MissingSecret") ? status() : null));
    assertTrue(status.get("conditions").toString().contains("spec.access.viewerTokenSecret"), status.toString());
    assertEquals(0, pods().size());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> condition(Map<String, Object> status, String type) {
    for (Map<String, Object> c : (List<Map<String, Object>>) status.get("conditions")) {
      if (type.equals(c.get("type"))) {
        return c;
      }
    }
    throw new AssertionError("no condition " + type + " in " + status);
  }

  int indexOf(String prefix) {
    synchronized (api.requests) {
      for (int i = 0; i < api.requests.size(); i++) {
        if (api.requests.get(i).startsWith(prefix)) {
          return i;
        }
      }
    }
    return -1;
  }

  /** Each request the operator made (all but the test's own) is one its Role in k8s/operator allows. */
  @SuppressWarnings("unchecked")
  void assertEveryRequestIsAllowedByTheOperatorsRole() throws Exception {
    Map<String, Object> role;
    try (Reader in = Files.newBufferedReader(Path.of("operator", "role.yaml"))) {
      role = new Yaml().load(in);
    }
    List<Map<String, Object>> rules = (List<Map<String, Object>>) role.get("rules");
    List<String> refused = new ArrayList<>();
    List<String> requests;
    synchronized (api.requests) {
      requests = List.copyOf(api.requests);
    }
    for (String r : requests) {
      if (r.startsWith("OPS") || r.contains("/pods/") && r.startsWith("PUT") && r.contains("/status")
          || r.contains("/secrets") && r.startsWith("POST") || r.startsWith("POST /apis/shardcast.io")
          || r.contains("/scale") && r.contains("\"replicas\":2")) {
        continue; // the test's own: the kubelet, the Secret, applying and scaling the LiveCluster
      }
      String[] access = access(r);
      boolean allowed = rules.stream().anyMatch(rule -> ((List<String>) rule.get("apiGroups")).contains(access[0])
          && ((List<String>) rule.get("resources")).contains(access[1])
          && ((List<String>) rule.get("verbs")).contains(access[2]));
      if (!allowed) {
        refused.add(String.join(" ", access) + " <- " + r.substring(0, Math.min(120, r.length())));
      }
    }
    assertEquals(List.of(), refused);
  }

  /** A request as RBAC sees it: API group, resource (with subresource), verb. */
  static String[] access(String request) {
    String method = request.substring(0, request.indexOf(' '));
    String path = request.substring(method.length() + 1).split(" ")[0];
    boolean watch = path.contains("watch=true");
    path = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    String[] parts = path.substring(1).split("/");
    int at = parts[0].equals("api") ? 2 : 3;
    String group = parts[0].equals("api") ? "" : parts[1];
    at += 2; // namespaces/{ns}
    String resource = parts[at];
    boolean named = parts.length > at + 1;
    if (parts.length > at + 2) {
      resource += "/" + parts[at + 2];
    }
    String verb = switch (method) {
      case "GET" -> watch ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> method;
    };
    return new String[] {group, resource, verb};
  }
}
