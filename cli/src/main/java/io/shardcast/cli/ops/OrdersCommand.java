package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ops orders ROOM --sale S}: a sale's confirmed orders, every buyer's (ops:read). */
@Command(name = "orders", mixinStandardHelpOptions = true,
    description = "A flash sale's confirmed orders: order, buyer, quantity, time.",
    footer = {"", "Examples:", "  shardcast ops orders r-7hq2m --sale flash-1",
        "  shardcast ops orders r-7hq2m --sale flash-1 -o json > orders.json"})
final class OrdersCommand extends OpsAction {

  @Parameters(paramLabel = "ROOM", description = "The room id.")
  String roomId;

  @Option(names = "--sale", required = true, paramLabel = "SALE", description = "The sale id.")
  String saleId;

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode doc = client.get("/api/ops/v1/rooms/" + OpsPaths.segment(roomId) + "/orders?saleId="
        + OpsPaths.segment(saleId));
    Output.Table t = new Output.Table("ORDER", "BUYER", "QUANTITY", "AT");
    for (JsonNode o : doc.path("orders")) {
      t.row(o.path("orderId").asText(), o.path("userId").asText(), o.path("quantity").asInt(),
          OpsViewsText.time(o.path("at").asLong()));
    }
    t.note("sale " + saleId + ": " + doc.path("sold").asLong() + " sold of " + doc.path("quantity").asLong() + ", "
        + doc.path("remaining").asLong() + " left, " + doc.path("orders").size() + " orders");
    Output.print(out, options.format, doc, t);
  }
}
