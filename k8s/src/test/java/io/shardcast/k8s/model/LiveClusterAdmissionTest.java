package io.shardcast.k8s.model;

import static org.junit.jupiter.api.Assertions.*;

import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.PatchUtils;
import io.shardcast.autoscaler.scaler.ApiServerEmulation;
import io.shardcast.autoscaler.scaler.CrdAdmission;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The LiveCluster CRD as an API server applies it (the emulation's admission reads k8s/crd): what
 * a user leaves out gets the schema's defaults, and a spec the schema or its CEL rules refuse is
 * answered 422 with the field and the reason, on create, replace and patch alike.
 */
class LiveClusterAdmissionTest {

  static final String NS = "live";
  KubernetesMockServer server;
  CustomObjectsApi custom;
  ApiClient client;

  @BeforeEach
  void start() throws Exception {
    ApiServerEmulation api = new ApiServerEmulation(List.of(new CustomResourceDefinitionContext.Builder()
        .withGroup(LiveCluster.GROUP).withVersion(LiveCluster.VERSION).withPlural(LiveCluster.PLURAL)
        .withKind(LiveCluster.KIND).withScope("Namespaced").withStatusSubresource(true).build()));
    api.admit(CrdAdmission.of(CrdModelTest.CRD));
    server = api.start(false);
    client = new ClientBuilder().setBasePath(server.url("/").replaceAll("/$", "")).build();
    custom = new CustomObjectsApi(client);
  }

  @AfterEach
  void stop() {
    server.destroy();
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> create(String name, String spec) throws ApiException {
    Map<String, Object> body = Map.of("apiVersion", LiveCluster.API_VERSION, "kind", LiveCluster.KIND,
        "metadata", Map.of("name", name, "namespace", NS), "spec", new Yaml().load(spec));
    return (Map<String, Object>) custom.createNamespacedCustomObject(LiveCluster.GROUP, LiveCluster.VERSION, NS,
        LiveCluster.PLURAL, body).execute();
  }

  ApiException refused(String name, String spec) {
    return assertThrows(ApiException.class, () -> create(name, spec));
  }

  @Test
  @SuppressWarnings("unchecked")
  void whatAUserLeavesOutGetsTheSchemasDefaults() throws Exception {
    Map<String, Object> stored = create("shop", """
        image: shardcast:1
        opsTokenSecret: {name: ops, key: token}
        journal: {url: "jdbc:postgresql://pg:5432/shardcast"}
        """);
    Map<String, Object> spec = (Map<String, Object>) stored.get("spec");
    assertEquals(3, ((Number) spec.get("replicas")).intValue());
    assertEquals(1, ((Number) spec.get("minReplicas")).intValue());
    assertEquals(10, ((Number) spec.get("maxReplicas")).intValue());
    assertEquals("IfNotPresent", spec.get("imagePullPolicy"));
    assertEquals("postgres", ((Map<String, Object>) spec.get("journal")).get("kind"));
    Map<String, Object> access = (Map<String, Object>) spec.get("access");
    assertEquals("anonymous", access.get("viewers"), "development access unless the spec says otherwise");
    assertEquals("open", access.get("play"));
    assertEquals("open", access.get("metrics"));
  }

  @Test
  void aSpecTheSchemaOrItsRulesRefuseIsA422NamingTheField() {
    String base = """
        image: shardcast:1
        opsTokenSecret: {name: ops, key: token}
        journal: {url: "jdbc:postgresql://pg:5432/shardcast"}
        """;
    ApiException minOverMax = refused("a", base + "minReplicas: 5\nmaxReplicas: 2\n");
    assertEquals(422, minOverMax.getCode());
    assertTrue(minOverMax.getResponseBody().contains("minReplicas must be at most maxReplicas"),
        minOverMax.getResponseBody());
    assertTrue(minOverMax.getResponseBody().contains("\"field\":\"spec\""), minOverMax.getResponseBody());

    ApiException port = refused("b", base + "ports: {http: 70000}\n");
    assertEquals(422, port.getCode());
    assertTrue(port.getResponseBody().contains("spec.ports.http"), port.getResponseBody());

    ApiException noUrl = refused("c", "image: shardcast:1\nopsTokenSecret: {name: ops, key: token}\n");
    assertTrue(noUrl.getResponseBody().contains("a postgres journal needs a url"), noUrl.getResponseBody());

    ApiException noImage = refused("d", "opsTokenSecret: {name: ops, key: token}\njournal: {kind: h2}\n");
    assertTrue(noImage.getResponseBody().contains("image"), noImage.getResponseBody());

    ApiException keyless = refused("e", base + "access: {viewers: platform}\n");
    assertEquals(422, keyless.getCode());
    assertTrue(keyless.getResponseBody().contains("platform viewers need viewerTokenSecret"), keyless.getResponseBody());
    ApiException unsigned = refused("f", base + "access: {play: signed}\n");
    assertTrue(unsigned.getResponseBody().contains("signed playback needs playSecret"), unsigned.getResponseBody());
    ApiException metrics = refused("g", base + "access: {metrics: public}\n");
    assertTrue(metrics.getResponseBody().contains("spec.access.metrics"), metrics.getResponseBody());
  }

  @Test
  void aPatchIsAdmittedAsTheObjectItWouldStore() throws Exception {
    create("shop", """
        image: shardcast:1
        opsTokenSecret: {name: ops, key: token}
        journal: {url: "jdbc:postgresql://pg:5432/shardcast"}
        """);
    ApiException refused = assertThrows(ApiException.class, () -> PatchUtils.patch(Object.class,
        () -> custom.patchNamespacedCustomObject(LiveCluster.GROUP, LiveCluster.VERSION, NS, LiveCluster.PLURAL, "shop",
            new V1Patch("{\"spec\":{\"minReplicas\":20}}")).buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
        client));
    assertEquals(422, refused.getCode());
    PatchUtils.patch(Object.class, () -> custom.patchNamespacedCustomObject(LiveCluster.GROUP, LiveCluster.VERSION, NS,
        LiveCluster.PLURAL, "shop", new V1Patch("[{\"op\":\"replace\",\"path\":\"/spec/image\",\"value\":\"shardcast:2\"}]"))
        .buildCall(null), V1Patch.PATCH_FORMAT_JSON_PATCH, client);
    @SuppressWarnings("unchecked")
    Map<String, Object> now = (Map<String, Object>) custom.getNamespacedCustomObject(LiveCluster.GROUP,
        LiveCluster.VERSION, NS, LiveCluster.PLURAL, "shop").execute();
    assertEquals("shardcast:2", ((Map<?, ?>) now.get("spec")).get("image"));
    assertEquals(1, ((Number) ((Map<?, ?>) now.get("spec")).get("minReplicas")).intValue(), "the refused patch left nothing");
  }
}
