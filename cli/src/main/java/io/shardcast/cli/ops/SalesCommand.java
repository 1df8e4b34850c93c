package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code ops sales}: the sale calendar, soonest first, with each sale's state from its room. */
@Command(name = "sales", mixinStandardHelpOptions = true,
    description = "The flash-sale calendar: when each opens, its status, sold and stock, orders a second while open.",
    footer = {"", "Examples:", "  shardcast ops sales", "  shardcast ops sales -o json | jq '.sales[] | select(.status==\"OPEN\")'"})
final class SalesCommand extends OpsAction {

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode doc = client.get("/api/ops/v1/sales");
    long now = System.currentTimeMillis();
    Output.Table t = new Output.Table("ROOM", "SALE", "REVEAL", "STATUS", "SOLD", "QUANTITY", "LEFT", "ORDERS/S");
    for (JsonNode s : doc.path("sales")) {
      long reveal = s.path("revealAt").asLong();
      t.row(s.path("room").asText(), s.path("sale").asText(), OpsViewsText.time(reveal) + " ("
              + OpsViewsText.relative(reveal, now) + ")", s.path("status").asText(), OpsViewsText.text(s, "sold"),
          OpsViewsText.text(s, "quantity"), OpsViewsText.text(s, "remaining"), OpsViewsText.text(s, "ordersPerSecond"));
    }
    if (doc.path("sales").isEmpty()) {
      t.note("no sales on the calendar");
    }
    Output.print(out, options.format, doc, t);
  }
}
