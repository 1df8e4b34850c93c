package io.shardcast.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ops autoscaler timeline [--follow]}: the autoscaler's decisions with their reasons, as they are made. */
@Command(name = "autoscaler", mixinStandardHelpOptions = true, description = "The autoscaler's decisions.",
    subcommands = AutoscalerCommand.Timeline.class)
final class AutoscalerCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "timeline", mixinStandardHelpOptions = true,
      description = "The autoscaler's decisions, oldest first: targets, stress, actions and why.",
      footer = {"", "Examples:", "  shardcast ops autoscaler timeline",
          "  shardcast ops autoscaler timeline --follow            # new decisions as they are made; Ctrl-C stops",
          "  shardcast ops autoscaler timeline --follow -o json    # one JSON object a line"})
  static final class Timeline extends OpsAction {

    @Option(names = {"-f", "--follow"}, description = "Keep printing new decisions as they are made.")
    boolean follow;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s", converter = Durations.class,
        description = "How often --follow asks. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
        description = "With --follow, stop after N new decisions (0: never).")
    int count;

    @Override
    void run(OpsClient client, PrintWriter out) {
      JsonNode doc = client.get("/api/ops/v1/autoscaler/timeline");
      if (!follow) {
        Output.Table t = new Output.Table("AT", "ACTIVE", "PROVISION", "STRESS", "ACTIONS", "REASON");
        doc.path("timeline").forEach(p -> row(t, p));
        t.note("mode: " + doc.path("mode").asText());
        Output.print(out, options.format, doc, t);
        return;
      }
      boolean lines = options.format != Output.Format.TABLE;
      doc.path("timeline").forEach(p -> print(out, p, lines));
      long after = doc.path("latestAt").asLong();
      int seen = 0;
      while (count == 0 || seen < count) {
        sleep(interval);
        JsonNode next = client.get("/api/ops/v1/autoscaler/timeline?after=" + after);
        for (JsonNode p : next.path("timeline")) {
          print(out, p, lines);
          seen++;
        }
        after = Math.max(after, next.path("latestAt").asLong());
      }
    }

    private static void print(PrintWriter out, JsonNode p, boolean jsonLines) {
      if (jsonLines) {
        out.println(p.toString());
      } else {
        Output.Table t = new Output.Table("AT", "ACTIVE", "PROVISION", "STRESS", "ACTIONS", "REASON");
        row(t, p);
        out.println(t.rowLine(0));
      }
      out.flush();
    }

    private static void row(Output.Table t, JsonNode p) {
      java.util.List<String> actions = new java.util.ArrayList<>();
      p.path("actions").forEach(a -> actions.add(a.asText()));
      t.row(OpsViewsText.time(p.path("at").asLong()), p.path("activeTarget").asInt(), p.path("provisionTarget").asInt(),
          String.format(Locale.ROOT, "%.2f", p.path("maxStress").asDouble()) + (p.path("panic").asBoolean() ? " PANIC" : ""),
          actions.isEmpty() ? "-" : String.join("; ", actions), p.path("reason").asText());
    }

    private static void sleep(Duration d) {
      try {
        Thread.sleep(d.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OpsFailure(ExitCodes.FAILED, "interrupted");
      }
    }
  }
}
