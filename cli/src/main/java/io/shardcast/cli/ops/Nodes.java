package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** How the ops API's nodes and problems read in a table. */
final class Nodes {

  private Nodes() {}

  static Output.Table table(JsonNode nodes) {
    Output.Table t = new Output.Table("NODE", "STATUS", "ROLE", "VIEWERS", "STRESS", "BOTTLENECK", "SHARDS", "ROOMS");
    for (JsonNode n : nodes) {
      t.row(n.path("host").asText(n.path("node").asText()) + (n.path("oldest").asBoolean() ? " (oldest)" : "")
              + (n.path("reachable").asBoolean() ? "" : " UNREACHABLE"), n.path("memberStatus").asText(),
          n.path("role").asText() + (n.path("retiring").asBoolean() ? " (retiring)" : ""), n.path("viewers").asLong(),
          String.format(Locale.ROOT, "%.2f", n.path("stress").asDouble()), n.path("bottleneck").asText(),
          n.path("shards").asInt(), n.path("rooms").asInt());
    }
    return t;
  }

  /** The problems of a status answer as notes above a table, worst first. */
  static void notes(JsonNode problems, Output.Table t) {
    for (JsonNode p : problems) {
      t.note(p.path("severity").asText().toUpperCase(Locale.ROOT) + "  " + p.path("message").asText());
    }
    if (problems.isEmpty()) {
      t.note("no problems");
    }
  }
}
