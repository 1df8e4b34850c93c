package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ops room ID}: one room: where it lives, its audience, products, sales and media route. */
@Command(name = "room", mixinStandardHelpOptions = true,
    description = "One room: its node and shard, viewers, products, flash sales and media route.",
    subcommands = RoomCommand.Move.class,
    footer = {"", "Examples:", "  shardcast ops room r-7hq2m", "  shardcast ops room r-7hq2m -o yaml",
        "  shardcast ops room r-7hq2m move --to 10.0.0.8:25520 --wait"})
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

  /**
   * {@code ops room ID move --to NODE}: the room allocation moves the room's shard at its next round
   * (never a room with a sale near, never onto the coordinator's node) and keeps it there a while.
   */
  @Command(name = "move", mixinStandardHelpOptions = true,
      description = "Move the room (with the rooms sharing its shard) to an active node; its viewers stay connected.",
      footer = {"", "Examples:", "  shardcast ops room r-7hq2m move --to 10.0.0.8:25520 --wait"})
  static final class Move extends OpsAction {

    @ParentCommand
    RoomCommand room;

    @Option(names = "--to", paramLabel = "NODE", required = true,
        description = "The node: its address (pekko://shardcast@host:port) or host:port.")
    String node;

    @Option(names = "--wait", description = "Wait until the room lives on the node (progress on stderr).")
    boolean await;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1m", converter = Durations.class,
        description = "How long --wait waits before failing (exit 1). Default: ${DEFAULT-VALUE}.")
    java.time.Duration timeout;

    @Override
    void run(OpsClient client, PrintWriter out) {
      String path = "/api/ops/v1/rooms/" + OpsPaths.segment(room.roomId);
      JsonNode answer = client.post(path + "/move", OpsClient.JSON.createObjectNode().put("node", node));
      String to = answer.path("node").asText();
      if (await) {
        new Waiter(spec.commandLine().getErr(), timeout).until("move " + room.roomId, () -> {
          String at = client.get(path).path("node").asText();
          return new Waiter.Progress(at.equals(to), at.isEmpty() ? "handing off" : "on " + OpsViewsText.host(at));
        });
      }
      Output.Table t = new Output.Table("ROOM", "SHARD", "TO", "DONE")
          .row(room.roomId, answer.path("shard").asText(), OpsViewsText.host(to), await ? "yes" : "at the next round (--wait to wait)");
      t.note("rooms sharing shard " + answer.path("shard").asText() + " move with it; it stays there for 10 minutes "
          + "unless the node stops being active");
      Output.print(out, options.format, answer, t);
    }
  }
}
