package io.shardcast.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.PatchUtils;
import io.shardcast.autoscaler.scaler.ApiServerEmulation;
import io.shardcast.autoscaler.scaler.CrdAdmission;
import io.shardcast.k8s.control.GatewayOps;
import io.shardcast.k8s.control.Operator;
import io.shardcast.k8s.control.OperatorMetrics;
import io.shardcast.k8s.model.LiveCluster;
import io.shardcast.chaos.Report;
import io.shardcast.chaos.check.Verdict;
import io.shardcast.chaos.history.History;
import io.shardcast.chaos.run.ChaosPostgres;
import io.shardcast.chaos.run.RoomLoad;
import io.shardcast.k8s.objects.Names;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.cluster.NodeProgram;
import io.shardcast.testkit.load.LeanViewers;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.load.RestClient;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The operator end to end on this machine: the emulated API server (HTTPS, as the nodes' Kubernetes
 * discovery insists), the operator as deployed, and an emulated kubelet that runs every pod it
 * creates as a real {@code shardcast node} process on its own loopback address. The nodes find
 * each other through the Kubernetes API (Cluster Bootstrap), the operator reads them through their
 * gateways.
 */
class OperatorEndToEndTest {

  static final String NS = "live";
  @TempDir static Path work;
  static KubernetesMockServer server;
  static ApiServerEmulation api;
  static ApiClient client;
  static CoreV1Api core;
  static CustomObjectsApi custom;
  static Operator operator;
  static EmulatedKubelet kubelet;
  /** A kubeconfig for the emulated API server, as an operator's laptop would have. */
  static Path kubeconfig;

  @BeforeAll
  static void start() throws Exception {
    CustomResourceDefinitionContext liveClusters = new CustomResourceDefinitionContext.Builder()
        .withGroup(LiveCluster.GROUP).withVersion(LiveCluster.VERSION).withPlural(LiveCluster.PLURAL)
        .withKind(LiveCluster.KIND).withScope("Namespaced").withStatusSubresource(true).build();
    // The split-brain resolver's lease (lease-majority), as pekko-lease-kubernetes writes it.
    CustomResourceDefinitionContext pekkoLeases = new CustomResourceDefinitionContext.Builder()
        .withGroup("pekko.apache.org").withVersion("v1").withPlural("leases").withKind("Lease")
        .withScope("Namespaced").build();
    api = new ApiServerEmulation(List.of(liveClusters, pekkoLeases));
    // Both as the CRDs in k8s/crd define them: defaults, schema and CEL rules.
    api.admit(CrdAdmission.of(Path.of("..", "k8s", "crd", "liveclusters.shardcast.io.yaml")));
    api.admit(CrdAdmission.of(Path.of("..", "k8s", "crd", "leases.pekko.apache.org.yaml")));
    server = api.start(true);
    String url = server.url("/").replaceAll("/$", "");
    Path ca = work.resolve("ca.pem");
    Files.copy(Path.of(server.getSelfSignedCertificate().certificatePath()), ca);
    kubeconfig = work.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: emulated
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: sre
          user: {token: sre-token}
        contexts:
        - name: emulated
          context: {cluster: emulated, user: sre, namespace: %s}
        current-context: emulated
        """.formatted(url, NS));
    client = new ClientBuilder().setBasePath(url).setVerifyingSsl(false).setReadTimeout(Duration.ZERO).build();
    core = new CoreV1Api(client);
    custom = new CustomObjectsApi(client);
    core.createNamespacedSecret(NS, new V1Secret().apiVersion("v1").kind("Secret")
        .metadata(new V1ObjectMeta().name("ops").namespace(NS))
        .data(Map.of("token", "e2e-ops-token".getBytes(StandardCharsets.UTF_8)))).execute();
    operator = new Operator(client, NS, "operator-e2e", new GatewayOps(Duration.ofSeconds(5), System::currentTimeMillis),
        OperatorMetrics.start(com.typesafe.config.ConfigFactory.load()), Duration.ofSeconds(15),
        Duration.ofSeconds(10), Duration.ofSeconds(1), System::currentTimeMillis);
    operator.start();
    kubelet = new EmulatedKubelet(client, NS, NodeProgram.of(Shardcast.class),
        List.of("-Xms128m", "-Xmx384m", "-XX:TieredStopAtLevel=1"), work, url, ca, api.requests::add);
    kubelet.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (kubelet != null) {
      kubelet.close();
    }
    if (operator != null) {
      operator.close();
    }
    if (server != null) {
      server.destroy();
    }
    copyLogs();
  }

  static void copyLogs() throws Exception {
    Path to = Path.of("target", "node-logs", "operator-e2e");
    Files.createDirectories(to);
    if (Files.isDirectory(work.resolve("pods"))) {
      try (var dirs = Files.list(work.resolve("pods"))) {
        for (Path d : dirs.toList()) {
          if (Files.exists(d.resolve("node.log"))) {
            Files.copy(d.resolve("node.log"), to.resolve(d.getFileName() + ".log"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
    Files.write(to.resolve("requests.log"), List.copyOf(api.requests));
  }

  static <T> T await(String what, Duration timeout, Callable<T> probe) throws Exception {
    long until = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < until) {
      try {
        T value = probe.call();
        if (value != null && !Boolean.FALSE.equals(value)) {
          return value;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + (last == null ? "" : " (" + last + ")"));
  }

  static Map<String, Object> status() throws Exception {
    return status("shop");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> status(String cluster) throws Exception {
    Map<String, Object> lc = (Map<String, Object>) custom.getNamespacedCustomObject(LiveCluster.GROUP,
        LiveCluster.VERSION, NS, LiveCluster.PLURAL, cluster).execute();
    return lc.get("status") == null ? Map.of() : (Map<String, Object>) lc.get("status");
  }

  static List<V1Pod> pods() throws Exception {
    return pods("shop");
  }

  static List<V1Pod> pods(String cluster) throws Exception {
    return core.listNamespacedPod(NS).labelSelector("shardcast.io/cluster=" + cluster).execute().getItems();
  }

  static String gateway(V1Pod p) {
    return "http://" + p.getStatus().getPodIP() + ":8080";
  }

  /** The cluster as a node's gateway reports it: its Up members. */
  static int upMembers(String gateway) throws Exception {
    int up = 0;
    for (JsonNode m : new RestClient().get(gateway + "/api/cluster", "e2e-ops-token").body().path("members")) {
      up += m.path("status").asText().equals("Up") ? 1 : 0;
    }
    return up;
  }

  /** The cluster as a node's gateway reports it: every member, reachable or not. */
  static int members(String gateway) throws Exception {
    return new RestClient().get(gateway + "/api/cluster", "e2e-ops-token").body().path("members").size();
  }

  static boolean running(int replicas) throws Exception {
    return running("shop", replicas);
  }

  static boolean running(String cluster, int replicas) throws Exception {
    Map<String, Object> s = status(cluster);
    return "Running".equals(s.get("phase")) && s.get("readyReplicas") instanceof Number n && n.intValue() == replicas
        && ((Number) s.get("replicas")).intValue() == replicas;
  }

  static void setImage(String image) throws Exception {
    setImage("shop", image);
  }

  static void setImage(String cluster, String image) throws Exception {
    PatchUtils.patch(Object.class, () -> custom.patchNamespacedCustomObject(LiveCluster.GROUP, LiveCluster.VERSION, NS,
        LiveCluster.PLURAL, cluster, new V1Patch("[{\"op\":\"replace\",\"path\":\"/spec/image\",\"value\":\""
            + image + "\"}]")).buildCall(null), V1Patch.PATCH_FORMAT_JSON_PATCH, client);
  }

  /**
   * The pods deleted so far, in order; a delete repeated before the operator's cache saw the first
   * (answered 404) counts once.
   */
  static List<String> deletions() {
    List<String> out = new java.util.ArrayList<>();
    synchronized (api.requests) {
      for (String r : api.requests) {
        if (r.startsWith("DELETE /api/v1/namespaces/live/pods/")) {
          String rest = r.substring("DELETE /api/v1/namespaces/live/pods/".length());
          String pod = rest.substring(0, rest.indexOf(rest.contains("?") ? '?' : ' '));
          if (out.isEmpty() || !out.get(out.size() - 1).equals(pod)) {
            out.add(pod);
          }
        }
      }
    }
    return out;
  }

  /** The pod of the cluster's oldest member, as a node reports it; null while none does. */
  static V1Pod oldestPod() throws Exception {
    for (V1Pod p : pods()) {
      if (p.getStatus() != null && p.getStatus().getPodIP() != null) {
        try {
          JsonNode cluster = new RestClient().get(gateway(p) + "/api/cluster", "e2e-ops-token").body();
          api.requests.add("TEST cluster at " + p.getStatus().getPodIP() + ": " + cluster);
          String oldest = cluster.path("oldest").asText();
          for (V1Pod q : pods()) {
            if (q.getStatus() != null && oldest.contains("@" + q.getStatus().getPodIP() + ":")) {
              return q;
            }
          }
        } catch (Exception e) {
          api.requests.add("TEST cluster at " + p.getStatus().getPodIP() + ": " + e);
        }
      }
    }
    return null; // no node answers yet
  }

  @Test
  void aLiveClusterFormsHealsRollsStopsAtABadImageAndScalesInByDrainingTheNodeFirst() throws Exception {
    Map<String, Object> body = Map.of("apiVersion", LiveCluster.API_VERSION, "kind", LiveCluster.KIND,
        "metadata", Map.of("name", "shop", "namespace", NS), "spec", new Yaml().load("""
            image: shardcast:e2e
            replicas: 2
            standby: 0
            development: true
            journal: {kind: h2}
            opsTokenSecret: {name: ops, key: token}
            drainTimeoutSeconds: 60
            """));
    custom.createNamespacedCustomObject(LiveCluster.GROUP, LiveCluster.VERSION, NS, LiveCluster.PLURAL, body).execute();

    // A serving cluster forms: two pods, ready, one Pekko cluster found through the Kubernetes API.
    await("two ready nodes", Duration.ofSeconds(180), () -> running(2));
    List<V1Pod> pods = pods();
    await("one cluster of two", Duration.ofSeconds(60), () -> upMembers(gateway(pods.get(0))) == 2
        && upMembers(gateway(pods.get(1))) == 2);

    // The ops CLI finds the cluster's gateways and its ops token through the Kubernetes API, as kubectl would.
    OpsCommandTest.Run viaKube = OpsCommandTest.ops("status", "--kube", "shop", "--kubeconfig", kubeconfig.toString(),
        "-o", "json");
    assertEquals(0, viaKube.code(), viaKube.err());
    assertEquals(2, new com.fasterxml.jackson.databind.ObjectMapper().readTree(viaKube.out()).path("nodes").size(),
        viaKube.out());
    OpsCommandTest.Run noSuch = OpsCommandTest.ops("status", "--kube", "no-such", "--kubeconfig", kubeconfig.toString());
    assertEquals(1, noSuch.code());
    assertTrue(noSuch.err().contains("no LiveCluster no-such in namespace live"), noSuch.err());

    // A pod deleted by hand comes back, and its node joins the same cluster again.
    core.deleteNamespacedPod("shop-1", NS).execute();
    await("shop-1 back and ready", Duration.ofSeconds(180), () -> pods().stream().anyMatch(p ->
        p.getMetadata().getName().equals("shop-1") && p.getStatus() != null && p.getStatus().getPodIP() != null
            && !p.getStatus().getPodIP().equals(pods.get(1).getStatus().getPodIP())) && running(2));
    V1Pod first = pods().stream().filter(p -> p.getMetadata().getName().equals("shop-0")).findFirst().orElseThrow();
    await("one cluster of two again", Duration.ofSeconds(90), () -> upMembers(gateway(first)) == 2);

    // A node lost hard (its machine gone: no leave, no handover): the survivor takes the split-brain
    // resolver's lease in the API server, downs the lost node and serves on alone; once the machine
    // is back, the pod's node starts again and joins.
    String leases = "/apis/pekko.apache.org/v1/namespaces/" + NS + "/leases/";
    kubelet.killAndHold("shop-1");
    await("the survivor alone", Duration.ofSeconds(60), () -> members(gateway(first)) == 1);
    assertTrue(api.requests.stream().anyMatch(r -> r.startsWith("POST " + leases) || r.startsWith("PUT " + leases)),
        "the survivor decided through the lease");
    kubelet.release("shop-1");
    await("one cluster of two after the loss", Duration.ofSeconds(120), () -> running(2)
        && upMembers(gateway(first)) == 2);

    // A new image rolls every node, one at a time, the oldest member last, the cluster serving throughout.
    String before = (String) status().get("updateRevision");
    setImage("shardcast:e2e-2");
    await("rolled", Duration.ofSeconds(240), () -> {
      Object now = status().get("updateRevision");
      return running(2) && before != null && !before.equals(now) && now.equals(status().get("currentRevision"))
          && pods().stream().allMatch(p -> now.equals(p.getMetadata().getLabels().get("shardcast.io/revision")));
    });
    List<String> rolled = deletions();
    assertEquals(List.of("shop-1", "shop-0"), rolled, "shop-1 (deleted by hand, then rolled), the oldest last");
    V1Pod newOldest = pods().stream().filter(p -> p.getMetadata().getName().equals("shop-1")).findFirst().orElseThrow();
    await("one cluster of two after the roll", Duration.ofSeconds(60), () -> upMembers(gateway(newOldest)) == 2);

    // An image that cannot be pulled stops the roll at its first pod, Degraded; the other node serves on.
    setImage("shardcast:unpullable");
    await("Degraded", Duration.ofSeconds(120), () -> "Degraded".equals(status().get("phase")));
    long serving = pods().stream().filter(p -> p.getStatus() != null && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")))
        .count();
    assertEquals(1, serving, "one node rolled onto the bad image, the other still serves");
    // Fixed, the broken pod is replaced first and the roll completes.
    setImage("shardcast:e2e-3");
    await("rolled past the bad image", Duration.ofSeconds(240), () -> running(2)
        && pods().stream().allMatch(p -> p.getSpec().getContainers().get(0).getImage().equals("shardcast:e2e-3")));
    V1Pod oldest = await("a node names the oldest member", Duration.ofSeconds(30), OperatorEndToEndTest::oldestPod);
    await("one cluster of two after the fix", Duration.ofSeconds(60), () -> upMembers(gateway(oldest)) == 2);

    // Scale in: the node that is not the oldest drains and leaves; only then its pod is deleted.
    PatchUtils.patch(Object.class, () -> custom.patchNamespacedCustomObjectScale(LiveCluster.GROUP, LiveCluster.VERSION,
        NS, LiveCluster.PLURAL, "shop", new V1Patch("{\"spec\":{\"replicas\":1}}")).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
    await("one node", Duration.ofSeconds(120), () -> running(1) && pods().size() == 1);
    assertEquals(oldest.getMetadata().getName(), pods().get(0).getMetadata().getName(), "the oldest member stays");
    String gone = oldest.getMetadata().getName().equals("shop-0") ? "shop-1" : "shop-0";
    int exited = api.requests.lastIndexOf("KUBELET exited " + gone + " 0");
    int deleted = -1;
    for (int i = 0; i < api.requests.size(); i++) {
      if (api.requests.get(i).startsWith("DELETE /api/v1/namespaces/live/pods/" + gone)) {
        deleted = i;
      }
    }
    assertTrue(exited >= 0 && deleted > exited, "the node left the cluster (exit 0) before its pod was deleted");
    await("the cluster is one node", Duration.ofSeconds(30), () -> upMembers(gateway(oldest)) == 1);
  }

  /**
   * The autoscaler drives the operator, and a roll under load loses nothing: a LiveCluster on a
   * real PostgreSQL journal, a room with recording viewers, buyers and flash sales (the chaos
   * suite's load), and a crowd in a second room that two nodes cannot safely hold. The autoscaler
   * raises replicas through the scale subresource and the operator adds a pod; the crowd leaves,
   * the autoscaler chooses a node, it drains and leaves and only then its pod goes; a new image
   * rolls every node. The chaos suite's checkers judge the whole history: no order lost, oversold
   * or duplicated, no viewer missing an event.
   */
  @Test
  void theAutoscalerScalesOutAndInThroughTheOperatorAndARollUnderLoadLosesNoOrderAndNoEvent() throws Exception {
    String name = "sale";
    Random random = new Random(11);
    try (ChaosPostgres pg = new ChaosPostgres(work.resolve("postgres"), "127.0.0.1", LocalCluster.freePort())) {
      pg.start();
      core.createNamespacedSecret(NS, new V1Secret().apiVersion("v1").kind("Secret")
          .metadata(new V1ObjectMeta().name("pg").namespace(NS))
          .data(Map.of("password", "trusted-locally".getBytes(StandardCharsets.UTF_8)))).execute();
      Map<String, Object> body = Map.of("apiVersion", LiveCluster.API_VERSION, "kind", LiveCluster.KIND,
          "metadata", Map.of("name", name, "namespace", NS), "spec", new Yaml().load("""
              image: shardcast:sale-1
              replicas: 2
              minReplicas: 2
              maxReplicas: 3
              standby: 0
              journal: {kind: postgres, url: "%s", user: postgres, passwordSecret: {name: pg, key: password}}
              opsTokenSecret: {name: ops, key: token}
              drainTimeoutSeconds: 60
              config:
                shardcast.autoscaler.safe-load.viewers: "20"
                shardcast.autoscaler.headroom-nodes: "0"
                shardcast.autoscaler.scale-in.window: "15s"
              """.formatted(pg.jdbcUrl())));
      custom.createNamespacedCustomObject(LiveCluster.GROUP, LiveCluster.VERSION, NS, LiveCluster.PLURAL, body)
          .execute();
      await("two ready nodes", Duration.ofSeconds(180), () -> running(name, 2));

      Path historyFile = work.resolve("sale-history.jsonl");
      ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1).build();
      try (History history = new History(historyFile); ServingPods gateways = new ServingPods(core, NS, name)) {
        RoomLoad load = RoomLoad.start(gateways, gateways.any(random).http(), "operator e2e", 12, 10, history, http,
            new RestClient(Duration.ofSeconds(5)), timer, random);
        await("a flash sale", Duration.ofSeconds(30), load::anySale);

        // A crowd two nodes cannot safely hold: the autoscaler asks for a third, the operator starts it.
        RoomScript crowdRoom = new RoomScript(gateways.any(random).http()).create("crowd");
        try (LeanViewers crowd = new LeanViewers(null, 1)) {
          crowd.resolveWith(r -> crowdRoom.joinBase());
          for (int i = 0; i < 40; i++) {
            crowd.connect(crowdRoom.joinBase(), crowdRoom.roomId(), "c" + i);
          }
          await("40 in the crowd", Duration.ofSeconds(30), () -> crowd.openCount() == 40);
          await("three ready nodes", Duration.ofSeconds(180), () -> running(name, 3));
          assertTrue(api.requests.stream().anyMatch(r -> r.startsWith("PATCH /apis/" + LiveCluster.GROUP + "/"
              + LiveCluster.VERSION + "/namespaces/" + NS + "/" + LiveCluster.PLURAL + "/" + name + "/scale")),
              "the autoscaler raised replicas through the scale subresource");
        }

        // The crowd goes and the sales end: the autoscaler chooses a node, it drains and leaves, then its pod goes.
        load.stopSales();
        List<String> three = pods(name).stream().map(p -> p.getMetadata().getName()).toList();
        await("two nodes again", Duration.ofSeconds(240), () -> running(name, 2) && pods(name).size() == 2);
        String gone = three.stream().filter(p -> {
          try {
            return pods(name).stream().noneMatch(q -> q.getMetadata().getName().equals(p));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }).findFirst().orElseThrow();
        int exited = api.requests.indexOf("KUBELET exited " + gone + " 0");
        int deleted = -1;
        for (int i = 0; i < api.requests.size() && deleted < 0; i++) {
          deleted = api.requests.get(i).startsWith("DELETE /api/v1/namespaces/" + NS + "/pods/" + gone) ? i : -1;
        }
        assertTrue(exited >= 0 && deleted > exited, gone + " left the cluster (exit 0) before its pod was deleted");

        // A new image rolls every node while the viewers watch and the buyers buy.
        String before = (String) status(name).get("updateRevision");
        int rollFrom = api.requests.size();
        setImage(name, "shardcast:sale-2");
        await("rolled", Duration.ofSeconds(300), () -> {
          Object now = status(name).get("updateRevision");
          return running(name, 2) && !now.equals(before) && now.equals(status(name).get("currentRevision"))
              && pods(name).stream().allMatch(p -> now.equals(p.getMetadata().getLabels().get(Names.REVISION_LABEL)));
        });
        List<String> sinceRoll = List.copyOf(api.requests);
        assertTrue(sinceRoll.subList(rollFrom, sinceRoll.size()).stream().noneMatch(r -> r.startsWith("PATCH /apis/"
            + LiveCluster.GROUP + "/" + LiveCluster.VERSION + "/namespaces/" + NS + "/" + LiveCluster.PLURAL + "/" + name
            + "/scale")), "a roll's drains are not taken for lost capacity: the replicas stay");
        load.stop();
        load.recordFinalOrders();
      } finally {
        timer.shutdownNow();
      }
      Report report = Report.of(History.read(historyFile));
      report.write(work.resolve("sale-report"));
      for (Verdict v : report.verdicts()) {
        if (v.checker().equals("orders") || v.checker().equals("viewers")) {
          assertTrue(v.ok(), v.checker() + ": " + v.violations() + " " + v.examples()
              + " (history in " + historyFile + ")");
        }
      }
      Verdict orders = report.verdicts().stream().filter(v -> v.checker().equals("orders")).findFirst().orElseThrow();
      assertTrue((long) orders.figures().get("acknowledgedConfirmed") > 0, "orders were confirmed: " + orders.figures());
      Verdict viewers = report.verdicts().stream().filter(v -> v.checker().equals("viewers")).findFirst().orElseThrow();
      assertTrue((long) viewers.figures().get("eventsReceived") > 100, "viewers saw the room: " + viewers.figures());
    }
  }
}
