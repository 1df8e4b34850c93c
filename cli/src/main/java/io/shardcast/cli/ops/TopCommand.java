package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ops top}: the nodes and the busiest rooms, refreshed, like {@code kubectl top} and
 * {@code htop}: redrawn in place on a terminal, one frame after another otherwise.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
    description = "Nodes and the busiest rooms, refreshed every interval. Ctrl-C stops.",
    footer = {"", "Examples:", "  shardcast ops top", "  shardcast ops top --interval 5s --rooms 20",
        "  shardcast ops top --iterations 1 -o json"})
final class TopCommand extends OpsAction {

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s", converter = Durations.class,
      description = "How often to refresh. Default: ${DEFAULT-VALUE}.")
  Duration interval;

  @Option(names = "--iterations", paramLabel = "N", defaultValue = "0", description = "Stop after N frames (0: never).")
  int iterations;

  @Option(names = "--rooms", paramLabel = "N", defaultValue = "10", description = "Rooms shown. Default: ${DEFAULT-VALUE}.")
  int rooms;

  @Option(names = "--sort", paramLabel = "viewers|trend|events", defaultValue = "viewers",
      description = "Order rooms by viewers (default), trend or events a second.")
  String sort;

  @Override
  void run(OpsClient client, PrintWriter out) {
    boolean redraw = System.console() != null && options.format == Output.Format.TABLE;
    for (int i = 0; iterations == 0 || i < iterations; i++) {
      if (i > 0) {
        try {
          Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      JsonNode status = client.get("/api/ops/v1/status");
      JsonNode top = client.get("/api/ops/v1/rooms?sort=" + sort + "&limit=" + rooms);
      ObjectNode doc = OpsClient.JSON.createObjectNode();
      doc.put("at", System.currentTimeMillis());
      doc.set("status", status);
      doc.set("rooms", top.path("rooms"));
      if (options.format != Output.Format.TABLE) {
        out.println(doc.toString()); // one JSON object a frame
        out.flush();
        continue;
      }
      if (redraw) {
        out.print("\u001b[H\u001b[2J");
      } else if (i > 0) {
        out.println();
      }
      JsonNode totals = status.path("totals");
      out.println("shardcast top  " + OpsViewsText.time(System.currentTimeMillis()) + "   " + totals.path("nodes").asInt()
          + " nodes, " + totals.path("viewers").asLong() + " viewers, " + totals.path("rooms").asInt() + " rooms   "
          + status.path("autoscaler").path("latest").path("reason").asText(""));
      Output.Table nodes = Nodes.table(status.path("nodes"));
      for (JsonNode p : status.path("problems")) {
        if (!p.path("severity").asText().equals("info")) {
          nodes.note(p.path("severity").asText().toUpperCase(java.util.Locale.ROOT) + "  " + p.path("message").asText());
        }
      }
      nodes.print(out);
      out.println();
      RoomsCommand.table(top.path("rooms")).print(out);
      out.flush();
    }
  }
}
