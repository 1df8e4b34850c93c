package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ops media ROOM}: a room's media route: whether it is live, its origin and the nodes it is relayed to. */
@Command(name = "media", mixinStandardHelpOptions = true,
    description = "A room's media: live or not, the origin, the nodes it is relayed to, viewers per layer and node, "
        + "origin-to-node lag and delivery latency.",
    footer = {"", "Examples:", "  shardcast ops media r-7hq2m"})
final class MediaCommand extends OpsAction {

  @Parameters(paramLabel = "ROOM", description = "The room id.")
  String roomId;

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode doc = client.get("/api/ops/v1/rooms/" + OpsPaths.segment(roomId) + "/media");
    Output.Table t = new Output.Table("NODE", "LAYER", "VIEWERS", "KBIT/S", "LAG MS", "DELIVERY P50/P99 MS");
    t.note("room " + roomId + ": " + (doc.path("live").asBoolean() ? "live" : "not live") + ", camera "
        + OpsViewsText.text(doc, "camera") + (doc.path("settling").asBoolean() ? " (settling after a move)" : ""));
    if (doc.hasNonNull("origin")) {
      t.note("origin " + doc.path("origin").asText() + ", relayed to " + doc.path("subscribers").size() + " nodes");
    }
    StringBuilder layers = new StringBuilder();
    for (JsonNode l : doc.path("layers")) {
      layers.append(layers.length() == 0 ? "" : ", ").append(l.path("camera").asText()).append('/')
          .append(l.path("layer").asText()).append(' ').append(l.path("viewers").asLong());
    }
    if (layers.length() > 0) {
      t.note("viewers per layer: " + layers);
    }
    for (JsonNode n : doc.path("nodes")) {
      String delivery = OpsViewsText.text(n, "deliveryP50Ms") + "/" + OpsViewsText.text(n, "deliveryP99Ms");
      for (JsonNode l : n.path("layers")) {
        t.row(OpsViewsText.host(n.path("node").asText()), l.path("camera").asText() + "/" + l.path("layer").asText(),
            l.path("viewers").asLong(), l.path("bytesPerSecond").asLong() * 8 / 1000, OpsViewsText.text(l, "arrivalLagMs"),
            delivery);
      }
    }
    Output.print(out, options.format, doc, t);
  }
}
