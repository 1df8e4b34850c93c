package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ops media ROOM}: a room's media route: whether it is live, its origin and the nodes it is relayed to. */
@Command(name = "media", mixinStandardHelpOptions = true,
    description = "A room's media route: live or not, the origin node, the nodes it is relayed to, the camera.",
    footer = {"", "Examples:", "  shardcast ops media r-7hq2m"})
final class MediaCommand extends OpsAction {

  @Parameters(paramLabel = "ROOM", description = "The room id.")
  String roomId;

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode doc = client.get("/api/ops/v1/rooms/" + OpsPaths.segment(roomId) + "/media");
    Output.Table t = new Output.Table("ROLE", "RELAY ENDPOINT");
    t.note("room " + roomId + ": " + (doc.path("live").asBoolean() ? "live" : "not live") + ", camera "
        + OpsViewsText.text(doc, "camera") + (doc.path("settling").asBoolean() ? " (settling after a move)" : ""));
    if (doc.hasNonNull("origin")) {
      t.row("origin", doc.path("origin").asText());
    }
    for (JsonNode s : doc.path("subscribers")) {
      t.row("relayed to", s.asText());
    }
    Output.print(out, options.format, doc, t);
  }
}
