package io.shardcast.autoscaler.scaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.Program;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a real API server does to a custom resource before it stores it, for the emulation: the
 * defaults of the CRD's structural schema, the schema's own validation (OpenAPI v3, read by
 * networknt's validator) and the CRD's {@code x-kubernetes-validations} rules (CEL, evaluated by
 * cel-java), on every create and update of the resource itself (not its status or scale).
 * Defaults are applied before validation, as the API server does, so a rule may rely on them.
 */
public final class CrdAdmission {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CelCompiler CEL = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("self", SimpleType.DYN).build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  /** One CEL rule of the schema, where it applies: field names from the root, {@code []} for array items. */
  private record Rule(List<String> at, String text, Program program, String message) {}

  /** Why an object was refused: the field and what is wrong with it, as a Status cause names them. */
  public record Cause(String field, String message) {}

  private final String group;
  private final String kind;
  private final String plural;
  private final JsonNode openApiSchema;
  private final Schema validator;
  private final List<Rule> rules = new ArrayList<>();

  private CrdAdmission(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    group = spec.path("group").asText();
    kind = spec.path("names").path("kind").asText();
    plural = spec.path("names").path("plural").asText();
    JsonNode version = null;
    for (JsonNode v : spec.path("versions")) {
      version = v.path("storage").asBoolean() ? v : version;
    }
    if (version == null) {
      throw new IllegalArgumentException("the CRD " + plural + "." + group + " has no storage version");
    }
    openApiSchema = version.path("schema").path("openAPIV3Schema");
    validator = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30())
        .getSchema(openApiSchema.toString(), InputFormat.JSON);
    collectRules(openApiSchema, new ArrayList<>());
  }

  /** The admission of the CRD in {@code yaml} (one CustomResourceDefinition document). */
  public static CrdAdmission of(Path yaml) throws IOException {
    return new CrdAdmission(new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile()));
  }

  /** Whether {@code path} (no query) is the resource itself, one object or its collection. */
  boolean covers(String path) {
    String[] p = path.split("/");
    // /apis/{group}/{version}/namespaces/{ns}/{plural}[/{name}]
    return p.length >= 7 && p.length <= 8 && p[1].equals("apis") && p[2].equals(group) && p[4].equals("namespaces")
        && p[6].equals(plural);
  }

  /** {@code object} with the schema's defaults filled in (a copy). */
  ObjectNode withDefaults(JsonNode object) {
    ObjectNode copy = object.deepCopy();
    fillDefaults(openApiSchema, copy);
    return copy;
  }

  /** What is wrong with {@code object} (defaults already applied); empty when it may be stored. */
  List<Cause> check(JsonNode object) {
    List<Cause> causes = new ArrayList<>();
    for (Error e : validator.validate(object.toString(), InputFormat.JSON)) {
      causes.add(new Cause(field(e.getInstanceLocation().toString()), e.getMessage()));
    }
    for (Rule r : rules) {
      for (Map.Entry<String, JsonNode> at : select(object, r.at(), 0, "").entrySet()) {
        Object verdict;
        try {
          verdict = r.program().eval(Map.of("self", toCel(at.getValue())));
        } catch (CelEvaluationException e) {
          verdict = e.getMessage();
        }
        if (!Boolean.TRUE.equals(verdict)) {
          String why = r.message() != null ? r.message() : "failed rule: " + r.text();
          causes.add(new Cause(at.getKey(), "Invalid value: \"object\": " + why
              + (verdict instanceof String s ? " (" + s + ")" : "")));
        }
      }
    }
    return causes;
  }

  /** The 422 Status a real API server answers for {@code causes}. */
  String invalid(String name, List<Cause> causes) {
    ObjectNode s = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
        .put("reason", "Invalid").put("code", 422);
    StringBuilder message = new StringBuilder(kind + "." + group + " \"" + name + "\" is invalid: ");
    ObjectNode details = s.putObject("details").put("name", name).put("group", group).put("kind", plural);
    ArrayNode list = details.putArray("causes");
    for (int i = 0; i < causes.size(); i++) {
      Cause c = causes.get(i);
      message.append(i == 0 ? "" : ", ").append(c.field()).append(": ").append(c.message());
      list.addObject().put("reason", "FieldValueInvalid").put("field", c.field()).put("message", c.message());
    }
    s.put("message", message.toString());
    return s.toString();
  }

  private void collectRules(JsonNode schema, List<String> at) {
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      String text = v.path("rule").asText();
      try {
        rules.add(new Rule(List.copyOf(at), text, RUNTIME.createProgram(CEL.compile(text).getAst()),
            v.hasNonNull("message") ? v.path("message").asText() : null));
      } catch (CelValidationException | CelEvaluationException e) {
        throw new IllegalArgumentException("the rule at " + String.join(".", at) + " does not compile: " + text
            + " (" + e.getMessage() + ")", e);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      List<String> deeper = new ArrayList<>(at);
      deeper.add(p.getKey());
      collectRules(p.getValue(), deeper);
    }
    if (schema.has("items")) {
      List<String> deeper = new ArrayList<>(at);
      deeper.add("[]");
      collectRules(schema.path("items"), deeper);
    }
  }

  private static void fillDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        if (!o.has(p.getKey()) && p.getValue().has("default")) {
          o.set(p.getKey(), p.getValue().path("default").deepCopy());
        }
        if (o.has(p.getKey())) {
          fillDefaults(p.getValue(), o.get(p.getKey()));
        }
      }
    } else if (value instanceof ArrayNode a && schema.has("items")) {
      a.forEach(item -> fillDefaults(schema.path("items"), item));
    }
  }

  /** The values at {@code at} in {@code node}, by the field path a Status names them with. */
  private static Map<String, JsonNode> select(JsonNode node, List<String> at, int i, String field) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (i == at.size()) {
      out.put(field.isEmpty() ? "<root>" : field, node);
      return out;
    }
    String step = at.get(i);
    if (step.equals("[]")) {
      for (int k = 0; k < node.size(); k++) {
        out.putAll(select(node.get(k), at, i + 1, field + "[" + k + "]"));
      }
    } else {
      out.putAll(select(node.get(step), at, i + 1, field.isEmpty() ? step : field + "." + step));
    }
    return out;
  }

  /** A JSON value as CEL's runtime takes it: maps, lists, longs, doubles, strings and booleans. */
  private static Object toCel(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> {
        if (!e.getValue().isNull()) {
          m.put(e.getKey(), toCel(e.getValue()));
        }
      });
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(x -> l.add(toCel(x)));
      return l;
    }
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    return n.asText();
  }

  /** A validator's instance location ({@code /spec/ports/http}) as a Status field ({@code spec.ports.http}). */
  private static String field(String location) {
    String f = location.startsWith("$") ? location.substring(1) : location;
    f = f.replace('/', '.');
    f = f.startsWith(".") ? f.substring(1) : f;
    return f.isEmpty() ? "<root>" : f;
  }
}
