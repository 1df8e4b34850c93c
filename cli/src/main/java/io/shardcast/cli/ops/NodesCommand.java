package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ops nodes}: every node; {@code ops nodes drain|activate|retire NODE}: an order, as the autoscaler gives them. */
@Command(name = "nodes", mixinStandardHelpOptions = true, description = "The nodes: role, viewers, stress, shards and rooms.",
    subcommands = {NodesCommand.Drain.class, NodesCommand.Activate.class, NodesCommand.Retire.class},
    footer = {"", "Examples:", "  shardcast ops nodes", "  shardcast ops nodes drain 10.0.0.7:25520 --then leave"})
final class NodesCommand extends OpsAction {

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode nodes = Nodes.join(client.get("/api/cluster"), client.get("/api/autoscaler"));
    ObjectNode doc = OpsClient.JSON.createObjectNode();
    doc.set("nodes", nodes);
    Output.print(out, options.format, doc, Nodes.table(nodes));
  }

  /** An order to one node through the autoscaler (never around it); needs an ops token. */
  abstract static class Order extends OpsAction {
    @Parameters(paramLabel = "NODE", description = "The node: its address (pekko://shardcast@host:port) or host:port.")
    String node;

    abstract String action();

    ObjectNode body() {
      return OpsClient.JSON.createObjectNode().put("node", node);
    }

    @Override
    void run(OpsClient client, PrintWriter out) {
      JsonNode answer = client.post("/api/autoscaler/nodes/" + action(), body());
      Output.print(out, options.format, answer, new Output.Table("NODE", "ORDER", "ACCEPTED")
          .row(answer.path("node").asText(), answer.path("order").asText(), answer.path("accepted").asText()));
    }
  }

  @Command(name = "drain", mixinStandardHelpOptions = true, description = "Drain an active node: no new viewers, every viewer hinted elsewhere (they "
      + "resume by seq), rooms handed off; then it leaves or stands by.")
  static final class Drain extends Order {
    @Option(names = "--then", paramLabel = "leave|standby", defaultValue = "standby",
        description = "What the node does once drained: leave the cluster, or stand by (default).")
    String then;

    @Override
    String action() {
      return "drain";
    }

    @Override
    ObjectNode body() {
      if (!then.equals("leave") && !then.equals("standby")) {
        throw new OpsFailure(ExitCodes.USAGE, "--then takes leave or standby, not " + then);
      }
      return super.body().put("then", then);
    }
  }

  @Command(name = "activate", mixinStandardHelpOptions = true, description = "Activate a standby node: it takes viewers and rooms.")
  static final class Activate extends Order {
    @Override
    String action() {
      return "activate";
    }
  }

  @Command(name = "retire", mixinStandardHelpOptions = true, description = "Retire a standby node: it leaves the cluster.")
  static final class Retire extends Order {
    @Override
    String action() {
      return "retire";
    }
  }
}
