package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ops rooms}: the busiest rooms, with the node each lives on and the sales ahead. */
@Command(name = "rooms", mixinStandardHelpOptions = true,
    description = "The busiest rooms: viewers, trend (viewers a second), events a second, the node and shard, sales ahead.",
    footer = {"", "Examples:", "  shardcast ops rooms", "  shardcast ops rooms --sort trend --limit 5 -o json"})
final class RoomsCommand extends OpsAction {

  @Option(names = "--sort", paramLabel = "viewers|trend|events", defaultValue = "viewers",
      description = "Order by viewers (default), by trend (the growth in viewers a second) or by events a second.")
  String sort;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N rooms (1..100).")
  int limit;

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode doc = client.get("/api/ops/v1/rooms?sort=" + sort + "&limit=" + limit);
    Output.print(out, options.format, doc, table(doc.path("rooms")));
  }

  static Output.Table table(JsonNode rooms) {
    Output.Table t = new Output.Table("ROOM", "VIEWERS", "TREND/S", "EVENTS/S", "NODE", "SHARD", "SALES AHEAD");
    for (JsonNode r : rooms) {
      t.row(r.path("roomId").asText(), r.path("viewers").asLong(),
          String.format(Locale.ROOT, "%+.1f", r.path("trend").asDouble()),
          String.format(Locale.ROOT, "%.1f", r.path("eventsPerSecond").asDouble()),
          OpsViewsText.host(r.path("node").asText()), r.path("shard").asText(), r.path("salesAhead").asInt());
    }
    return t;
  }
}
