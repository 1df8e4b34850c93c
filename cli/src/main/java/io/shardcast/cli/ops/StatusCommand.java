package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * The cluster at a glance: problems first (unreachable members, nodes whose reports stopped,
 * stressed nodes, a failing scaler, an autoscaler that only advises), then every node with its role,
 * viewers, stress and its bottleneck, shards and rooms, then the autoscaler's latest decision.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "The cluster at a glance: problems first, then the nodes and the autoscaler.",
    footer = {"", "Examples:", "  shardcast ops status --server http://127.0.0.1:8080",
        "  SHARDCAST_SERVER=http://10.0.0.5:8080 shardcast ops status -o json | jq '.problems'"})
final class StatusCommand extends OpsAction {

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode cluster = client.get("/api/cluster");
    JsonNode autoscaler = client.get("/api/autoscaler");
    ObjectNode doc = OpsClient.JSON.createObjectNode();
    ArrayNode problems = doc.putArray("problems");
    Nodes.problems(cluster, autoscaler, problems);
    doc.set("nodes", Nodes.join(cluster, autoscaler));
    doc.set("latest", autoscaler.path("latest"));
    doc.put("mode", autoscaler.path("mode").asText());
    doc.set("cluster", cluster);
    doc.set("autoscaler", autoscaler);
    Output.Table t = Nodes.table(doc.path("nodes"));
    for (JsonNode p : problems) {
      t.note(p.path("severity").asText().toUpperCase(Locale.ROOT) + "  " + p.path("message").asText());
    }
    if (problems.isEmpty()) {
      t.note("no problems");
    }
    JsonNode latest = autoscaler.path("latest");
    if (!latest.isMissingNode() && !latest.isNull()) {
      t.note("autoscaler: " + latest.path("reason").asText() + " (active target " + latest.path("activeTarget").asInt()
          + ")");
    }
    Output.print(out, options.format, doc, t);
  }
}
