package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * The cluster at a glance ({@code GET /api/ops/v1/status}): problems first (unreachable members,
 * nodes whose reports stopped, stressed nodes, a failing scaler, an autoscaler that only advises,
 * anonymous viewers), then every node with its role, viewers, stress and its bottleneck, shards and
 * rooms, then the totals and the autoscaler's latest decision.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "The cluster at a glance: problems first, then the nodes and the autoscaler.",
    footer = {"", "Examples:", "  shardcast ops status --server http://127.0.0.1:8080",
        "  SHARDCAST_SERVER=http://10.0.0.5:8080 shardcast ops status -o json | jq '.problems'"})
final class StatusCommand extends OpsAction {

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode doc = client.get("/api/ops/v1/status");
    Output.Table t = Nodes.table(doc.path("nodes"));
    Nodes.notes(doc.path("problems"), t);
    JsonNode totals = doc.path("totals");
    t.note(totals.path("nodes").asInt() + " nodes (" + totals.path("active").asInt() + " active, "
        + totals.path("standby").asInt() + " standby), " + totals.path("viewers").asLong() + " viewers, "
        + totals.path("rooms").asInt() + " rooms in " + totals.path("shards").asInt() + " shards");
    JsonNode latest = doc.path("autoscaler").path("latest");
    if (!latest.isMissingNode() && !latest.isNull()) {
      t.note("autoscaler: " + latest.path("reason").asText() + " (active target " + latest.path("activeTarget").asInt()
          + ")");
    }
    JsonNode hold = doc.path("autoscaler").path("hold");
    if (hold.isObject()) {
      t.note("operator hold: at least " + hold.path("active").asInt() + " active until "
          + java.time.Instant.ofEpochMilli(hold.path("until").asLong()) + " (by " + hold.path("by").asText() + ")");
    }
    Output.print(out, options.format, doc, t);
  }
}
