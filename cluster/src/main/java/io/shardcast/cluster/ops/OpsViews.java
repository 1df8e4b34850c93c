package io.shardcast.cluster.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.cluster.media.MediaInspector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The ops API's answers, built from what the cluster ({@link ClusterView}) and the autoscaler
 * ({@code GET /api/autoscaler}) say: pure functions of their JSON, so every field is tested
 * without a cluster. Field names are the v1 contract: added to, never renamed.
 */
final class OpsViews {

  static final String API_VERSION = "ops/v1";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private OpsViews() {}

  static ObjectNode envelope() {
    return JSON.objectNode().put("apiVersion", API_VERSION);
  }

  /** One entry per member, joined by address with its autoscaler report and its shard region. */
  static ArrayNode nodes(JsonNode cluster, JsonNode autoscaler) {
    Map<String, JsonNode> load = new HashMap<>();
    for (JsonNode n : autoscaler.path("nodes")) {
      load.put(n.path("node").asText(), n);
    }
    Map<String, JsonNode> regions = new HashMap<>();
    for (JsonNode r : cluster.path("shardRegions")) {
      regions.put(r.path("address").asText(), r);
    }
    ArrayNode out = JSON.arrayNode();
    for (JsonNode m : cluster.path("members")) {
      String address = m.path("address").asText();
      JsonNode l = load.getOrDefault(address, JSON.objectNode());
      JsonNode r = regions.getOrDefault(address, JSON.objectNode());
      ObjectNode n = out.addObject().put("node", address).put("host", host(address))
          .put("memberStatus", m.path("status").asText()).put("reachable", m.path("reachable").asBoolean())
          .put("oldest", address.equals(cluster.path("oldest").asText()));
      n.put("role", l.path("role").asText("UNREPORTED"));
      n.put("retiring", l.path("retiring").asBoolean());
      n.put("viewers", l.path("viewers").asLong());
      n.put("stress", l.path("stress").asDouble());
      n.put("bottleneck", l.path("bottleneck").asText(""));
      n.put("cpu", l.path("cpu").asDouble());
      n.put("lagMs", l.path("lagMs").asDouble());
      n.put("eventsOutPerSecond", l.path("eventsOutPerSecond").asDouble());
      n.put("egressBytesPerSecond", l.path("egressBytesPerSecond").asDouble());
      n.put("shards", r.path("shards").asInt());
      n.put("rooms", r.path("rooms").asInt());
      n.put("reportAgeMs", l.has("reportAgeMs") ? l.path("reportAgeMs").asLong() : -1);
      n.put("viewerBase", l.path("viewerBase").asText(""));
    }
    return out;
  }

  /**
   * {@code GET /api/ops/v1/autoscaler/history}: the nodes' load every 5 s over the last 10 minutes
   * (as the autoscaler saw it), each node also named by {@code host:port} as {@code status} names it.
   */
  static ObjectNode history(JsonNode autoscalerHistory) {
    ObjectNode out = envelope();
    ArrayNode samples = out.putArray("history");
    for (JsonNode s : autoscalerHistory.path("history")) {
      ObjectNode sample = samples.addObject().put("at", s.path("at").asLong());
      ArrayNode nodes = sample.putArray("nodes");
      for (JsonNode n : s.path("nodes")) {
        ObjectNode copy = ((ObjectNode) n).deepCopy();
        copy.put("host", host(n.path("node").asText()));
        nodes.add(copy);
      }
    }
    return out;
  }

  /** {@code host:port} of a node address ({@code pekko://shardcast@host:port}). */
  static String host(String address) {
    int at = address.indexOf('@');
    return at < 0 ? address : address.substring(at + 1);
  }

  /** Problems worth a look, worst first, each {@code {severity, code, message, node?}}. */
  static ArrayNode problems(JsonNode cluster, JsonNode autoscaler, boolean anonymousViewers) {
    List<ObjectNode> found = new ArrayList<>();
    for (JsonNode m : cluster.path("members")) {
      if (!m.path("reachable").asBoolean(true)) {
        found.add(problem("critical", "UNREACHABLE", m.path("address").asText() + " is unreachable from this node")
            .put("node", m.path("address").asText()));
      }
    }
    if (autoscaler.isMissingNode()) {
      found.add(problem("critical", "AUTOSCALER_SILENT", "the autoscaler did not answer (it may be moving to "
          + "another node, or it is off)"));
    }
    for (JsonNode n : autoscaler.path("nodes")) {
      String node = n.path("node").asText();
      if (!n.path("counted").asBoolean(true)) {
        found.add(problem("warning", "REPORT_STALE", node + " has not reported for " + n.path("reportAgeMs").asLong()
            / 1000 + " s").put("node", node));
      }
      if (n.path("stress").asDouble() > 1.0) {
        found.add(problem("warning", "STRESSED", node + " is at stress " + n.path("stress").asDouble() + " ("
            + n.path("bottleneck").asText() + ")").put("node", node));
      }
    }
    JsonNode backend = autoscaler.path("backend");
    if (backend.hasNonNull("lastError") && !backend.path("lastError").asText().isEmpty()) {
      found.add(problem("warning", "SCALER_FAILING", "the scaler backend failed: "
          + backend.path("lastError").asText()));
    }
    if (autoscaler.path("mode").asText().startsWith("advisory")) {
      found.add(problem("info", "ADVISORY", "the autoscaler only advises: " + autoscaler.path("mode").asText()));
    }
    if (anonymousViewers) {
      found.add(problem("info", "ANONYMOUS_VIEWERS", "viewers are anonymous: any request may name any user "
          + "(shardcast.access.viewers = platform for signed viewer tokens)"));
    }
    found.sort(Comparator.comparingInt(p -> List.of("critical", "warning", "info").indexOf(p.path("severity").asText())));
    ArrayNode out = JSON.arrayNode();
    found.forEach(out::add);
    return out;
  }

  private static ObjectNode problem(String severity, String code, String message) {
    return JSON.objectNode().put("severity", severity).put("code", code).put("message", message);
  }

  /** The cluster at a glance: members, totals, the autoscaler's mode and last decision, problems first. */
  static ObjectNode status(JsonNode cluster, JsonNode autoscaler, boolean anonymousViewers) {
    ObjectNode out = envelope();
    out.set("problems", problems(cluster, autoscaler, anonymousViewers));
    ArrayNode nodes = nodes(cluster, autoscaler);
    ObjectNode totals = out.putObject("totals");
    int active = 0;
    int standby = 0;
    long viewers = 0;
    int rooms = 0;
    int shards = 0;
    for (JsonNode n : nodes) {
      active += n.path("role").asText().equals("ACTIVE") ? 1 : 0;
      standby += n.path("role").asText().equals("STANDBY") ? 1 : 0;
      viewers += n.path("viewers").asLong();
      rooms += n.path("rooms").asInt();
      shards += n.path("shards").asInt();
    }
    totals.put("nodes", nodes.size()).put("active", active).put("standby", standby).put("viewers", viewers)
        .put("rooms", rooms).put("shards", shards);
    ObjectNode c = out.putObject("cluster");
    c.put("self", cluster.path("self").asText()).put("leader", cluster.path("leader").asText(null))
        .put("oldest", cluster.path("oldest").asText(null));
    out.set("nodes", nodes);
    ObjectNode a = out.putObject("autoscaler");
    a.put("mode", autoscaler.path("mode").asText("unknown"));
    if (autoscaler.has("latest")) {
      a.set("latest", autoscaler.get("latest"));
    }
    if (autoscaler.has("hold")) {
      a.set("hold", autoscaler.get("hold"));
    }
    return out;
  }

  /**
   * The busiest rooms (as the autoscaler's reports count them), with the node each lives on
   * ({@code shardOf}: a room's shard; {@code nodeOfShard}: where each shard is), sorted by
   * {@code sort} (viewers, trend or events), at most {@code limit}.
   */
  static ObjectNode rooms(JsonNode autoscaler, Map<String, String> nodeOfShard, Function<String, String> shardOf,
      String sort, int limit) {
    List<ObjectNode> rooms = new ArrayList<>();
    Map<String, List<JsonNode>> salesByRoom = new HashMap<>();
    for (JsonNode s : autoscaler.path("sales")) {
      salesByRoom.computeIfAbsent(s.path("room").asText(), k -> new ArrayList<>()).add(s);
    }
    for (JsonNode r : autoscaler.path("rooms")) {
      String id = r.path("room").asText();
      String shard = shardOf.apply(id);
      ObjectNode n = JSON.objectNode().put("roomId", id).put("viewers", r.path("viewers").asLong())
          .put("trend", r.path("viewersPerSecond").asDouble())
          .put("eventsPerSecond", r.path("eventsPerSecond").asDouble()).put("shard", shard)
          .put("node", nodeOfShard.getOrDefault(shard, ""));
      int open = 0;
      for (JsonNode s : salesByRoom.getOrDefault(id, List.of())) {
        open += s.path("closed").asBoolean() ? 0 : 1;
      }
      n.put("salesAhead", open);
      rooms.add(n);
    }
    Comparator<ObjectNode> order = sort.equals("trend")
        ? Comparator.comparingDouble(n -> -n.path("trend").asDouble())
        : sort.equals("events") ? Comparator.comparingDouble(n -> -n.path("eventsPerSecond").asDouble())
        : Comparator.comparingLong(n -> -n.path("viewers").asLong());
    rooms.sort(order);
    ObjectNode out = envelope().put("sort", sort);
    ArrayNode list = out.putArray("rooms");
    rooms.stream().limit(limit).forEach(list::add);
    return out;
  }

  /** The autoscaler's decisions after {@code afterMillis} (0: all it keeps), oldest first. */
  static ObjectNode timeline(JsonNode autoscaler, long afterMillis) {
    ObjectNode out = envelope();
    ArrayNode entries = out.putArray("timeline");
    long last = afterMillis;
    for (JsonNode p : autoscaler.path("timeline")) {
      long at = p.path("at").asLong();
      if (at > afterMillis) {
        entries.add(p);
        last = Math.max(last, at);
      }
    }
    out.put("latestAt", last);
    out.put("mode", autoscaler.path("mode").asText("unknown"));
    return out;
  }

  /** Each node holding the room's media: its local players, its tracks and its delivery latency. */
  static ArrayNode mediaNodes(List<MediaInspector.NodeMedia> nodes) {
    ArrayNode out = JSON.arrayNode();
    for (MediaInspector.NodeMedia m : nodes) {
      if (!m.present()) {
        continue;
      }
      ObjectNode n = out.addObject().put("node", m.node()).put("viewers", m.viewers());
      number(n, "deliveryP50Ms", m.deliveryP50Ms());
      number(n, "deliveryP99Ms", m.deliveryP99Ms());
      ArrayNode layers = n.putArray("layers");
      for (MediaInspector.Layer l : m.layers()) {
        ObjectNode x = layers.addObject().put("camera", l.camera()).put("layer", l.layer()).put("viewers", l.viewers())
            .put("bytesPerSecond", l.bytesPerSecond()).put("ended", l.ended());
        number(x, "arrivalLagMs", l.arrivalLagMs() < 0 ? Double.NaN : l.arrivalLagMs());
      }
    }
    return out;
  }

  /** Viewers per camera and layer over every node, the most watched first. */
  static ArrayNode mediaLayers(List<MediaInspector.NodeMedia> nodes) {
    Map<String, long[]> byLayer = new java.util.TreeMap<>();
    for (MediaInspector.NodeMedia m : nodes) {
      for (MediaInspector.Layer l : m.layers()) {
        byLayer.computeIfAbsent(l.camera() + "/" + l.layer(), k -> new long[1])[0] += l.viewers();
      }
    }
    List<Map.Entry<String, long[]>> sorted = new ArrayList<>(byLayer.entrySet());
    sorted.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
    ArrayNode out = JSON.arrayNode();
    for (Map.Entry<String, long[]> e : sorted) {
      String[] parts = e.getKey().split("/", 2);
      out.addObject().put("camera", parts[0]).put("layer", parts[1]).put("viewers", e.getValue()[0]);
    }
    return out;
  }

  /** A number rounded to 0.1, or null when there is none (NaN is not JSON). */
  private static void number(ObjectNode n, String field, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      n.putNull(field);
    } else {
      n.put(field, Math.round(v * 10) / 10.0);
    }
  }
}
