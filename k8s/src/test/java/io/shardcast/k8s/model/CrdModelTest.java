package io.shardcast.k8s.model;

import static org.junit.jupiter.api.Assertions.*;

import io.kubernetes.client.openapi.models.V1Condition;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The CRD in k8s/crd and the Java model name the same fields with the same types, both ways: a
 * field the operator reads is in the schema (or the API server would prune it), and a field a user
 * may write is one the operator reads.
 */
class CrdModelTest {

  static final Path CRD = Path.of("crd", "liveclusters.shardcast.io.yaml");

  @SuppressWarnings("unchecked")
  static Map<String, Object> schema() throws IOException {
    try (Reader in = Files.newBufferedReader(CRD)) {
      Map<String, Object> crd = new Yaml().load(in);
      Map<String, Object> version = ((List<Map<String, Object>>) ((Map<String, Object>) crd.get("spec"))
          .get("versions")).get(0);
      return (Map<String, Object>) ((Map<String, Object>) version.get("schema")).get("openAPIV3Schema");
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> properties(Map<String, Object> schema) {
    return (Map<String, Object>) schema.get("properties");
  }

  @Test
  void specAndStatusAgreeWithTheJavaModel() throws IOException {
    List<String> problems = new ArrayList<>();
    Map<String, Object> top = properties(schema());
    compare("spec", LiveClusterSpec.class, (Map<String, Object>) top.get("spec"), problems);
    compare("status", LiveClusterStatus.class, (Map<String, Object>) top.get("status"), problems);
    assertEquals(List.of(), problems);
  }

  @Test
  void theScaleSubresourceAndPrinterColumnsPointAtModelledFields() throws IOException {
    String crd = Files.readString(CRD);
    for (String path : List.of(".spec.replicas", ".status.replicas", ".status.selector", ".status.readyReplicas",
        ".status.activeNodes", ".status.standbyNodes", ".status.phase")) {
      assertTrue(crd.contains(path), path);
      String[] parts = path.substring(1).split("\\.");
      Class<?> owner = parts[0].equals("spec") ? LiveClusterSpec.class : LiveClusterStatus.class;
      assertTrue(Set.of(owner.getRecordComponents()).stream().anyMatch(c -> c.getName().equals(parts[1])), path);
    }
  }

  @SuppressWarnings("unchecked")
  static void compare(String at, Type type, Map<String, Object> schema, List<String> problems) {
    Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    String expected = jsonType(raw);
    if (!expected.equals(schema.get("type"))) {
      problems.add(at + ": schema type " + schema.get("type") + ", model " + raw.getSimpleName());
      return;
    }
    if (raw == Long.class && !"int64".equals(schema.get("format"))) {
      problems.add(at + ": a Long needs format int64");
    }
    if (raw == Integer.class && !"int32".equals(schema.get("format"))) {
      problems.add(at + ": an Integer needs format int32");
    }
    if (raw == List.class) {
      Type item = ((ParameterizedType) type).getActualTypeArguments()[0];
      compare(at + "[]", item, (Map<String, Object>) schema.get("items"), problems);
    } else if (raw == Map.class) {
      if (!(schema.get("additionalProperties") instanceof Map)) {
        problems.add(at + ": a map needs additionalProperties");
      }
    } else if (raw.isRecord() || raw == V1Condition.class) {
      Map<String, Object> props = properties(schema);
      if (props == null) {
        problems.add(at + ": no properties");
        return;
      }
      Set<String> model = new TreeSet<>();
      if (raw.isRecord()) {
        for (RecordComponent c : raw.getRecordComponents()) {
          model.add(c.getName());
          Map<String, Object> field = (Map<String, Object>) props.get(c.getName());
          if (field == null) {
            problems.add(at + "." + c.getName() + ": in the model, not in the schema");
          } else {
            compare(at + "." + c.getName(), c.getGenericType(), field, problems);
          }
        }
      } else {
        model.addAll(Set.of("type", "status", "observedGeneration", "lastTransitionTime", "reason", "message"));
      }
      for (String name : props.keySet()) {
        if (!model.contains(name)) {
          problems.add(at + "." + name + ": in the schema, not in the model");
        }
      }
    } else if (raw.getName().startsWith("io.kubernetes.client.openapi.models.")) {
      if (!Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))) {
        problems.add(at + ": a Kubernetes type (" + raw.getSimpleName() + ") keeps unknown fields");
      }
    }
  }

  static String jsonType(Class<?> raw) {
    if (raw == String.class) {
      return "string";
    }
    if (raw == Integer.class || raw == Long.class) {
      return "integer";
    }
    if (raw == Boolean.class) {
      return "boolean";
    }
    if (raw == List.class) {
      return "array";
    }
    return "object";
  }
}
