package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ops restreams ROOM}: where a room is restreamed and how each push is doing (never a stream key). */
@Command(name = "restreams", mixinStandardHelpOptions = true,
    description = "A room's restream destinations: platform, URL, state, rate, reconnects and the last error.",
    footer = {"", "States: idle (the room is not live), waiting, connecting, live, retrying, unknown (no report from",
        "the origin for 6 s).", "", "Examples:", "  shardcast ops restreams r-7hq2m", "  shardcast ops restreams r-7hq2m -o json"})
final class RestreamsCommand extends OpsAction {

  @Parameters(paramLabel = "ROOM", description = "The room id.")
  String roomId;

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode doc = client.get("/api/ops/v1/rooms/" + OpsPaths.segment(roomId) + "/destinations");
    Output.Table t = new Output.Table("DESTINATION", "PLATFORM", "URL", "STATE", "KBIT/S", "RECONNECTS", "LAST ERROR");
    t.note("room " + roomId + ": " + doc.path("destinations").size() + " destinations");
    long now = System.currentTimeMillis();
    for (JsonNode d : doc.path("destinations")) {
      String error = d.hasNonNull("lastError") ? d.path("lastError").asText() + " ("
          + OpsViewsText.relative(d.path("lastErrorAt").asLong(), now) + ")" : "-";
      String state = d.path("state").asText() + (d.hasNonNull("nextAttemptAt") ? ", next try "
          + OpsViewsText.relative(d.path("nextAttemptAt").asLong(), now) : "");
      t.row(d.path("destinationId").asText(), d.path("platform").asText(), d.path("url").asText(), state,
          OpsViewsText.text(d, "kbps"), OpsViewsText.text(d, "reconnects"), error);
    }
    Output.print(out, options.format, doc, t);
  }
}
