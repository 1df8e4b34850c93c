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
    footer = {"", "Examples:", "  shardcast ops nodes", "  shardcast ops nodes drain 10.0.0.7:25520 --then leave --wait",
        "  shardcast ops nodes activate 10.0.0.9:25520 --wait --timeout 2m"})
final class NodesCommand extends OpsAction {

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode doc = client.get("/api/ops/v1/nodes");
    Output.print(out, options.format, doc, Nodes.table(doc.path("nodes")));
  }

  /** An order to one node through the autoscaler (never around it); needs an ops token. */
  abstract static class Order extends OpsAction {
    @Parameters(paramLabel = "NODE", description = "The node: its address (pekko://shardcast@host:port) or host:port.")
    String node;

    @Option(names = "--wait", description = "Wait until the order is carried out (progress on stderr).")
    boolean await;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m", converter = Durations.class,
        description = "How long --wait waits before failing (exit 1). Default: ${DEFAULT-VALUE}.")
    java.time.Duration timeout;

    abstract String action();

    ObjectNode body() {
      return OpsClient.JSON.createObjectNode().put("node", node);
    }

    /** Whether the order is carried out, from the node as the cluster lists it (null: it has left). */
    abstract boolean done(JsonNode node);

    @Override
    void run(OpsClient client, PrintWriter out) {
      JsonNode answer = client.post("/api/ops/v1/nodes/" + action(), body());
      if (await) {
        String address = answer.path("node").asText(node);
        new Waiter(spec.commandLine().getErr(), timeout).until(action() + " " + address, () -> {
          JsonNode now = find(client.get("/api/ops/v1/nodes").path("nodes"), address);
          return new Waiter.Progress(done(now), now == null ? "gone" : now.path("role").asText() + ", "
              + now.path("viewers").asLong() + " viewers, " + now.path("rooms").asInt() + " rooms");
        });
      }
      Output.print(out, options.format, answer, new Output.Table("NODE", "ORDER", "ACCEPTED", "DONE")
          .row(answer.path("node").asText(), answer.path("order").asText(), answer.path("accepted").asText(),
              await ? "yes" : "under way (--wait to wait)"));
    }

    private static JsonNode find(JsonNode nodes, String address) {
      for (JsonNode n : nodes) {
        if (n.path("node").asText().equals(address) || n.path("host").asText().equals(address)) {
          return n;
        }
      }
      return null;
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
    boolean done(JsonNode n) {
      return n == null || (then.equals("standby") && n.path("role").asText().equals("STANDBY"));
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

    @Override
    boolean done(JsonNode n) {
      return n != null && n.path("role").asText().equals("ACTIVE");
    }
  }

  @Command(name = "retire", mixinStandardHelpOptions = true, description = "Retire a standby node: it leaves the cluster.")
  static final class Retire extends Order {
    @Override
    String action() {
      return "retire";
    }

    @Override
    boolean done(JsonNode n) {
      return n == null;
    }
  }
}
