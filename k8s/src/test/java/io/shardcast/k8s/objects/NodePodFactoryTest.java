package io.shardcast.k8s.objects;

import static org.junit.jupiter.api.Assertions.*;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Toleration;
import io.shardcast.k8s.model.LiveCluster;
import io.shardcast.k8s.model.LiveClusterSpec;
import io.shardcast.k8s.model.PodTemplate;
import io.shardcast.k8s.plan.NodePod.ClusterRole;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodePodFactoryTest {

  static LiveClusterSpec spec(String image, int replicas, PodTemplate template) {
    return new LiveClusterSpec(image, null, replicas, null, null, null, null,
        new LiveClusterSpec.Journal("postgres", "jdbc:postgresql://pg:5432/shardcast", null,
            new LiveClusterSpec.SecretKey("pg", "password")),
        new LiveClusterSpec.SecretKey("ops", "token"), null, null, null, null, null, null, Map.of(), template, null);
  }

  static LiveCluster cluster(LiveClusterSpec spec) {
    return new LiveCluster(LiveCluster.API_VERSION, LiveCluster.KIND,
        new V1ObjectMeta().name("shop").namespace("live").uid("uid-1"), spec, null);
  }

  @Test
  void aNodePodRunsTheNodeOnItsOwnAddressFindingTheClusterThroughTheApi() {
    V1Pod pod = NodePodFactory.of(cluster(spec("shardcast:2", 3, null)), 4, ClusterRole.STANDBY, "rev1");
    assertEquals("shop-4", pod.getMetadata().getName());
    assertEquals("shop-4", pod.getSpec().getHostname());
    assertEquals("shop-nodes", pod.getSpec().getSubdomain());
    assertEquals("OnFailure", pod.getSpec().getRestartPolicy(), "a node that left exits 0 and is not restarted");
    assertEquals("rev1", pod.getMetadata().getLabels().get(Names.REVISION_LABEL));
    assertEquals("uid-1", pod.getMetadata().getOwnerReferences().get(0).getUid());
    V1Container node = pod.getSpec().getContainers().get(0);
    String args = String.join(" ", node.getArgs());
    assertTrue(args.startsWith("node --hostname $(POD_IP) --discovery kubernetes-api --scaler kubernetes --role standby"),
        args);
    assertTrue(args.contains("--postgres-url jdbc:postgresql://pg:5432/shardcast"), args);
    assertEquals("pg", env(node, "SHARDCAST_POSTGRES_PASSWORD").getValueFrom().getSecretKeyRef().getName(),
        "the password comes from its Secret, never a command line");
    assertEquals("ops", env(node, "SHARDCAST_OPS_TOKEN").getValueFrom().getSecretKeyRef().getName());
    assertEquals("/ready", node.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/alive", node.getLivenessProbe().getHttpGet().getPath());
  }

  @Test
  void theSpecsPodTemplateAddsSchedulingSidecarsAndEnvButNeverOverridesTheOperatorsLabels() {
    PodTemplate template = new PodTemplate(
        new PodTemplate.Metadata(Map.of("team", "live", Names.CLUSTER_LABEL, "hijack"), Map.of("note", "x")),
        new PodTemplate.Spec(null, List.of(new V1Toleration().key("dedicated").operator("Exists")),
            Map.of("pool", "live"), "high", null, null, null,
            List.of(new V1Container().name("node").env(List.of(new V1EnvVar().name("JAVA_OPTS").value("-Xmx3g"))),
                new V1Container().name("log-shipper").image("shipper:1")),
            null, null));
    V1Pod pod = NodePodFactory.of(cluster(spec("shardcast:2", 3, template)), 0, ClusterRole.ACTIVE, "rev1");
    assertEquals("live", pod.getMetadata().getLabels().get("team"));
    assertEquals("shop", pod.getMetadata().getLabels().get(Names.CLUSTER_LABEL), "the selector label stays the operator's");
    assertEquals("high", pod.getSpec().getPriorityClassName());
    assertEquals("live", pod.getSpec().getNodeSelector().get("pool"));
    assertEquals(List.of("node", "log-shipper"), pod.getSpec().getContainers().stream().map(V1Container::getName).toList());
    assertEquals("-Xmx3g", env(pod.getSpec().getContainers().get(0), "JAVA_OPTS").getValue());
  }

  @Test
  void specAccessReachesTheNodesSecretsAsEnvironmentNeverInTheConfigMap() {
    LiveClusterSpec base = spec("shardcast:2", 3, null);
    LiveClusterSpec.SecretKey viewerKey = new LiveClusterSpec.SecretKey("platform", "hs256");
    LiveClusterSpec.SecretKey playKey = new LiveClusterSpec.SecretKey("play", "secret");
    LiveClusterSpec locked = new LiveClusterSpec(base.image(), null, 3, null, null, null, null, base.journal(),
        base.opsTokenSecret(), null, null, null, null, null, null, Map.of(), null,
        new LiveClusterSpec.Access("platform", List.of("HS256"), viewerKey, null, "https://shop.example", null,
            "signed", playKey, "internal", 9500));
    assertNull(io.shardcast.k8s.control.SpecCheck.problem(locked));
    V1Container node = NodePodFactory.of(cluster(locked), 0, ClusterRole.ACTIVE, "rev1").getSpec().getContainers()
        .get(0);
    assertEquals("platform", env(node, "SHARDCAST_VIEWER_TOKEN_SECRET").getValueFrom().getSecretKeyRef().getName());
    assertEquals("hs256", env(node, "SHARDCAST_VIEWER_TOKEN_SECRET").getValueFrom().getSecretKeyRef().getKey());
    assertEquals("play", env(node, "SHARDCAST_PLAY_SECRET").getValueFrom().getSecretKeyRef().getName());
    assertTrue(node.getPorts().stream().anyMatch(p -> p.getName().equals("metrics") && p.getContainerPort() == 9500),
        "the internal metrics port is declared for the scraper");
    assertEquals(List.of("UDP", "TCP"), node.getPorts().stream().filter(p -> p.getContainerPort() == 8480)
        .map(p -> p.getProtocol()).toList(), "WebRTC's port over UDP, and over TCP for the fallback");
    com.typesafe.config.Config config = com.typesafe.config.ConfigFactory.parseString(NodeConfig.text(cluster(locked)));
    assertEquals("platform", config.getString("shardcast.access.viewers"));
    assertEquals(List.of("HS256"), config.getStringList("shardcast.access.platform.algorithms"));
    assertEquals("https://shop.example", config.getString("shardcast.access.platform.issuer"));
    assertEquals("shardcast", config.getString("shardcast.access.platform.audience"));
    assertEquals("signed", config.getString("shardcast.access.play.mode"));
    assertEquals("internal", config.getString("shardcast.access.metrics.mode"));
    assertEquals(9500, config.getInt("shardcast.access.metrics.port"));
    assertFalse(NodeConfig.text(cluster(locked)).contains("hs256"), "no secret in the ConfigMap");
    assertNotEquals(Revision.of(base), Revision.of(locked), "changing access rolls the nodes");

    LiveClusterSpec keyless = new LiveClusterSpec(base.image(), null, 3, null, null, null, null, base.journal(),
        base.opsTokenSecret(), null, null, null, null, null, null, Map.of(), null,
        new LiveClusterSpec.Access("platform", null, null, null, null, null, null, null, null, null));
    assertTrue(io.shardcast.k8s.control.SpecCheck.problem(keyless).contains("viewerTokenSecret"));
    assertEquals("anonymous", com.typesafe.config.ConfigFactory.parseString(NodeConfig.text(cluster(base)))
        .getString("shardcast.access.viewers"), "development access unless the spec says otherwise");
  }

  @Test
  void scalingChangesNoRevisionAndANewImageOrSettingDoes() {
    String base = Revision.of(spec("shardcast:2", 3, null));
    assertEquals(base, Revision.of(spec("shardcast:2", 7, null)), "replicas are not in the pod");
    assertNotEquals(base, Revision.of(spec("shardcast:3", 3, null)));
    LiveClusterSpec withSetting = new LiveClusterSpec("shardcast:2", null, 3, null, null, null, null,
        spec("shardcast:2", 3, null).journal(), new LiveClusterSpec.SecretKey("ops", "token"), null, null, null, null,
        null, null, Map.of("shardcast.room.snapshot-every", "500"), null, null);
    assertNotEquals(base, Revision.of(withSetting));
  }

  @Test
  void theNodeConfigurationNamesTheClusterAndRefusesAMultiLineSetting() {
    String text = NodeConfig.text(cluster(spec("shardcast:2", 3, null)));
    assertTrue(text.contains("service-name = \"shop\""), text);
    assertTrue(text.contains("pod-label-selector = \"shardcast.io/cluster=%s\""), text);
    assertTrue(text.contains("kind = livecluster, name = \"shop\""), text);
    com.typesafe.config.Config conf = com.typesafe.config.ConfigFactory.parseString(text);
    assertEquals("lease-majority", conf.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    assertEquals(cluster(spec("shardcast:2", 3, null)).namespace(),
        conf.getString("pekko.coordination.lease.kubernetes.namespace"), "the lease lives beside the cluster");
    LiveClusterSpec threeAtLeast = new LiveClusterSpec("shardcast:2", null, 4, 3, 6, 1, null,
        spec("shardcast:2", 4, null).journal(), new LiveClusterSpec.SecretKey("ops", "token"), null, null, null, null,
        null, null, Map.of(), null, null);
    assertEquals(2, com.typesafe.config.ConfigFactory.parseString(NodeConfig.text(cluster(threeAtLeast)))
        .getInt("shardcast.autoscaler.min-active"), "the autoscaler keeps minReplicas less the standbys active");
    assertNotNull(NodeConfig.problem(new LiveClusterSpec("i", null, 1, null, null, null, null, null, null, null, null,
        null, null, null, null, Map.of("a.b", "1\npekko.x = 2"), null, null)));
    assertNotNull(NodeConfig.problem(new LiveClusterSpec("i", null, 1, null, null, null, null, null, null, null, null,
        null, null, null, null, Map.of("a b", "1"), null, null)));
  }

  static V1EnvVar env(V1Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
  }
}
