package io.shardcast.k8s;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.Gson;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.shardcast.k8s.control.SpecCheck;
import io.shardcast.k8s.model.LiveCluster;
import io.shardcast.k8s.model.LiveClusterSpec;
import io.shardcast.k8s.objects.NodeAccess;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The kustomize manifests in k8s/, rendered by {@code kubectl kustomize} as a user would: every
 * directory renders without an error or a warning, the rendered CRD and operator Role are the
 * files the other tests check, every LiveCluster in them passes the operator's own check, and the
 * Role the operator grants its nodes holds nothing the operator's Role does not (Kubernetes
 * refuses to let an operator grant more than it holds).
 */
class ManifestsTest {

  static final List<String> DIRECTORIES = List.of("crd", "operator", "base", "samples", "overlays/development",
      "overlays/production", "chaos");

  /** The documents {@code kubectl kustomize dir} renders. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> render(String dir) throws Exception {
    Path err = Files.createTempFile("kustomize", ".err");
    Process p = new ProcessBuilder("kubectl", "kustomize", dir).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + dir + " finished");
    String warnings = Files.readString(err);
    Files.delete(err);
    assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + ": " + warnings);
    assertEquals("", warnings.strip(), "kubectl kustomize " + dir + " warns");
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(out)) {
      if (doc != null) {
        docs.add((Map<String, Object>) doc);
      }
    }
    return docs;
  }

  static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> file(String path) throws IOException {
    try (Reader in = Files.newBufferedReader(Path.of(path))) {
      return new Yaml().load(in);
    }
  }

  @Test
  void everyDirectoryRendersWithoutWarning() throws Exception {
    for (String dir : DIRECTORIES) {
      assertFalse(render(dir).isEmpty(), dir + " renders something");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theRenderedCrdAndRoleAreTheCheckedFiles() throws Exception {
    List<Map<String, Object>> base = render("base");
    Map<String, Object> crd = ofKind(base, "CustomResourceDefinition").stream()
        .filter(d -> ((Map<String, Object>) d.get("metadata")).get("name").equals("liveclusters.shardcast.io"))
        .findFirst().orElseThrow();
    assertEquals(file("crd/liveclusters.shardcast.io.yaml"), crd);
    assertEquals(file("operator/role.yaml").get("rules"), ofKind(base, "Role").get(0).get("rules"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyLiveClusterInTheManifestsPassesTheOperatorsCheck() throws Exception {
    int seen = 0;
    for (String dir : List.of("samples", "overlays/development", "overlays/production")) {
      for (Map<String, Object> doc : ofKind(render(dir), LiveCluster.KIND)) {
        LiveClusterSpec spec = new JSON().deserialize(new Gson().toJson(doc.get("spec")), LiveClusterSpec.class);
        assertNull(SpecCheck.problem(spec), dir + ": " + SpecCheck.problem(spec));
        seen++;
      }
    }
    assertEquals(3, seen);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theNodesRoleHoldsNothingTheOperatorsRoleDoesNot() throws Exception {
    List<Map<String, Object>> operatorRules = (List<Map<String, Object>>) file("operator/role.yaml").get("rules");
    LiveCluster c = new LiveCluster(LiveCluster.API_VERSION, LiveCluster.KIND,
        new V1ObjectMeta().name("shop").namespace("live").uid("u"), null, null);
    List<String> missing = new ArrayList<>();
    for (V1PolicyRule rule : NodeAccess.role(c).getRules()) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            boolean held = operatorRules.stream().anyMatch(r -> ((List<String>) r.get("apiGroups")).contains(group)
                && ((List<String>) r.get("resources")).contains(resource)
                && ((List<String>) r.get("verbs")).contains(verb));
            if (!held) {
              missing.add(group + "/" + resource + " " + verb);
            }
          }
        }
      }
    }
    assertEquals(List.of(), missing);
  }
}
