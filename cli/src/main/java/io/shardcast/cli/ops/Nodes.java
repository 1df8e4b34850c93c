package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/** The nodes as the cluster (membership, shards) and the autoscaler (role, load) each see them, joined by address. */
final class Nodes {

  private Nodes() {}

  /** One entry per member: address, status, reachable, role, viewers, stress, bottleneck, shards, rooms, reportAgeMs. */
  static ArrayNode join(JsonNode cluster, JsonNode autoscaler) {
    Map<String, JsonNode> load = new HashMap<>();
    for (JsonNode n : autoscaler.path("nodes")) {
      load.put(n.path("node").asText(), n);
    }
    Map<String, JsonNode> regions = new HashMap<>();
    for (JsonNode r : cluster.path("shardRegions")) {
      regions.put(r.path("address").asText(), r);
    }
    ArrayNode out = OpsClient.JSON.createArrayNode();
    for (JsonNode m : cluster.path("members")) {
      String address = m.path("address").asText();
      JsonNode l = load.getOrDefault(address, OpsClient.JSON.createObjectNode());
      JsonNode r = regions.getOrDefault(address, OpsClient.JSON.createObjectNode());
      ObjectNode n = out.addObject().put("node", address).put("status", m.path("status").asText())
          .put("reachable", m.path("reachable").asBoolean())
          .put("oldest", address.equals(cluster.path("oldest").asText()));
      n.put("role", l.path("role").asText("UNREPORTED"));
      n.put("viewers", l.path("viewers").asLong());
      n.put("stress", l.path("stress").asDouble());
      n.put("bottleneck", l.path("bottleneck").asText(""));
      n.put("shards", r.path("shards").asInt());
      n.put("rooms", r.path("rooms").asInt());
      n.put("reportAgeMs", l.has("reportAgeMs") ? l.path("reportAgeMs").asLong() : -1);
    }
    return out;
  }

  /** Problems worth a look, worst first, each {@code {severity, code, message}}. */
  static void problems(JsonNode cluster, JsonNode autoscaler, ArrayNode out) {
    for (JsonNode m : cluster.path("members")) {
      if (!m.path("reachable").asBoolean(true)) {
        add(out, "critical", "UNREACHABLE", m.path("address").asText() + " is unreachable from this node");
      }
    }
    for (JsonNode n : autoscaler.path("nodes")) {
      if (!n.path("counted").asBoolean(true)) {
        add(out, "warning", "REPORT_STALE", n.path("node").asText() + " has not reported for "
            + n.path("reportAgeMs").asLong() / 1000 + " s");
      }
      if (n.path("stress").asDouble() > 1.0) {
        add(out, "warning", "STRESSED", n.path("node").asText() + " is at stress " + n.path("stress").asDouble()
            + " (" + n.path("bottleneck").asText() + ")");
      }
    }
    JsonNode backend = autoscaler.path("backend");
    if (backend.hasNonNull("lastError") && !backend.path("lastError").asText().isEmpty()) {
      add(out, "warning", "SCALER_FAILING", "the scaler backend failed: " + backend.path("lastError").asText());
    }
    if (autoscaler.path("mode").asText().startsWith("advisory")) {
      add(out, "info", "ADVISORY", "the autoscaler only advises: " + autoscaler.path("mode").asText());
    }
  }

  private static void add(ArrayNode out, String severity, String code, String message) {
    out.addObject().put("severity", severity).put("code", code).put("message", message);
  }

  static Output.Table table(JsonNode nodes) {
    Output.Table t = new Output.Table("NODE", "STATUS", "ROLE", "VIEWERS", "STRESS", "BOTTLENECK", "SHARDS", "ROOMS");
    for (JsonNode n : nodes) {
      t.row(n.path("node").asText() + (n.path("oldest").asBoolean() ? " (oldest)" : "")
              + (n.path("reachable").asBoolean() ? "" : " UNREACHABLE"), n.path("status").asText(),
          n.path("role").asText(), n.path("viewers").asLong(), String.format("%.2f", n.path("stress").asDouble()),
          n.path("bottleneck").asText(), n.path("shards").asInt(), n.path("rooms").asInt());
    }
    return t;
  }
}
