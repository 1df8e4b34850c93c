package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ops room ID}: one room: where it lives, its audience, products, sales and media route. */
@Command(name = "room", mixinStandardHelpOptions = true,
    description = "One room: its node and shard, viewers, products, flash sales and media route.",
    footer = {"", "Examples:", "  shardcast ops room r-7hq2m", "  shardcast ops room r-7hq2m -o yaml"})
final class RoomCommand extends OpsAction {

  @Parameters(paramLabel = "ROOM", description = "The room id.")
  String roomId;

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode doc = client.get("/api/ops/v1/rooms/" + OpsPaths.segment(roomId));
    JsonNode s = doc.path("snapshot");
    JsonNode media = doc.path("media");
    Output.Table t = new Output.Table("WHAT", "ID", "DETAIL");
    t.note("room " + roomId + " \"" + s.path("title").asText() + "\" on " + OpsViewsText.host(doc.path("node").asText())
        + " (shard " + doc.path("shard").asText() + "), seq " + s.path("seq").asLong() + ", "
        + s.path("viewers").asLong() + " viewers on " + s.path("edges").asInt() + " nodes");
    t.note("media: " + (media.path("live").asBoolean() ? "live from " + OpsViewsText.text(media, "origin") + ", relayed to "
        + media.path("subscribers").size() + " nodes, camera " + OpsViewsText.text(media, "camera") : "not live"));
    String pinned = s.path("pinnedProductId").asText("");
    for (JsonNode p : s.path("products")) {
      t.row("product", p.path("productId").asText(), p.path("name").asText() + ", " + p.path("priceCents").asLong()
          + " cents, stock " + p.path("stock").asLong() + (p.path("productId").asText().equals(pinned) ? ", PINNED" : ""));
    }
    long now = System.currentTimeMillis();
    for (JsonNode f : s.path("flashSales")) {
      t.row("sale", f.path("saleId").asText(), f.path("status").asText() + ", " + f.path("remaining").asLong() + " of "
          + f.path("quantity").asLong() + " left, reveal " + OpsViewsText.relative(f.path("revealAt").asLong(), now));
    }
    for (JsonNode c : s.path("coupons")) {
      t.row("coupon", c.path("couponId").asText(), c.path("remaining").asLong() + " of " + c.path("count").asLong()
          + " left");
    }
    Output.print(out, options.format, doc, t);
  }
}
