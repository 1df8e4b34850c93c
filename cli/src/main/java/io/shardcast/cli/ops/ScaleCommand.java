package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ops scale --active N}: holds at least N active nodes for a while, through the autoscaler
 * (its policy activates standbys, starts nodes or drains in waves to get there); {@code --release}
 * hands the number back to the policy.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Hold at least N active nodes (the autoscaler gets there with its own actions), or release the hold.",
    footer = {"", "The autoscaler still adds what the audience needs above N, and goes down towards N in its usual",
        "waves (never around a flash sale); the hold ends by itself after --for.", "", "Examples:",
        "  shardcast ops scale --active 12 --for 3h --wait     # before tonight's sale",
        "  shardcast ops scale --active 2 --for 30m --wait     # after it, faster than the scale-in window",
        "  shardcast ops scale --release"})
final class ScaleCommand extends OpsAction {

  static final class Target {
    @Option(names = "--active", paramLabel = "N", required = true, description = "Active nodes to hold, at least 1.")
    Integer active;

    @Option(names = "--release", required = true, description = "End the hold: the policy alone decides again.")
    boolean release;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(names = "--for", paramLabel = "DURATION", defaultValue = "1h", converter = Durations.class,
      description = "How long the hold lasts (at most 24h). Default: ${DEFAULT-VALUE}.")
  Duration hold;

  @Option(names = "--wait", description = "Wait until the active nodes reach the autoscaler's target (progress on stderr).")
  boolean await;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = Durations.class,
      description = "How long --wait waits before failing (exit 1). Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Override
  void run(OpsClient client, PrintWriter out) {
    JsonNode answer;
    if (target.release) {
      answer = client.delete("/api/ops/v1/scale");
    } else {
      if (target.active < 1) {
        throw new OpsFailure(ExitCodes.USAGE, "--active takes a number of nodes, at least 1");
      }
      if (hold.isNegative() || hold.isZero() || hold.compareTo(Duration.ofHours(24)) > 0) {
        throw new OpsFailure(ExitCodes.USAGE, "--for takes a duration above 0 and at most 24h, not " + hold);
      }
      answer = client.post("/api/ops/v1/scale", OpsClient.JSON.createObjectNode().put("active", target.active)
          .put("forSeconds", Math.max(1, hold.toSeconds())));
    }
    JsonNode h = answer.path("hold");
    if (await && !target.release) {
      long setAt = h.path("setAt").asLong();
      // A decision counts once it was made after the autoscaler showed the hold: one made while the
      // hold was still being written (its setAt is earlier than the write's end) did not see it.
      long[] shownBy = {-1};
      new Waiter(spec.commandLine().getErr(), timeout).until("scale to " + target.active + " active", () -> {
        JsonNode a = client.get("/api/ops/v1/autoscaler");
        JsonNode latest = a.path("latest");
        if (shownBy[0] < 0 && a.path("hold").path("setAt").asLong(-1) >= setAt) {
          shownBy[0] = latest.path("at").asLong();
        }
        int wanted = latest.path("activeTarget").asInt();
        int active = 0;
        int moving = 0;
        for (JsonNode n : a.path("nodes")) {
          String role = n.path("role").asText();
          active += role.equals("ACTIVE") ? 1 : 0;
          moving += role.equals("ACTIVATING") || role.equals("DRAINING") ? 1 : 0;
        }
        boolean decided = shownBy[0] >= 0 && latest.path("at").asLong() > shownBy[0];
        boolean done = decided && moving == 0 && active == wanted;
        return new Waiter.Progress(done, active + " active, " + moving + " on their way"
            + (decided ? "; target " + wanted + (wanted > target.active ? " (the audience needs more than the hold)" : "")
                : "; waiting for the autoscaler's next decision"));
      });
    }
    Output.Table t = new Output.Table("HOLD", "UNTIL", "BY");
    if (h.isObject()) {
      t.row(h.path("active").asText() + " active", OpsViewsText.relative(h.path("until").asLong(),
          System.currentTimeMillis()), h.path("by").asText());
      if (!await) {
        t.note("the autoscaler works towards it from its next decision: follow with shardcast ops autoscaler timeline --follow");
      }
    } else {
      t.note("no hold: the autoscaler's policy alone decides");
    }
    Output.print(out, options.format, answer, t);
  }
}
