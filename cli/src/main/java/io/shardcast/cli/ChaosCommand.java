package io.shardcast.cli;

import io.shardcast.chaos.Report;
import io.shardcast.chaos.history.History;
import io.shardcast.chaos.run.ChaosOptions;
import io.shardcast.chaos.run.ChaosRun;
import io.shardcast.chaos.run.NetworkLab;
import io.shardcast.chaos.run.Scenario;
import io.shardcast.testkit.cluster.NodeProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shardcast chaos}: the chaos-test suite (docs/chaos.md). */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Kill, pause, partition and starve a live cluster under load; check the history.",
    subcommands = {ChaosCommand.Run.class, ChaosCommand.Check.class, ChaosCommand.ListScenarios.class})
public final class ChaosCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code shardcast chaos run}. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run scenarios against a real multi-process cluster; exit 1 when an invariant breaks.")
  public static final class Run implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--scenario", defaultValue = "all", description = "A scenario (see 'chaos list') or all; "
        + "may be repeated or comma-separated.", split = ",")
    List<String> scenario;

    @Option(names = "--nodes", defaultValue = "3", description = "Cluster nodes (3..7).")
    int nodes;

    @Option(names = "--duration", defaultValue = "60s", description = "Fault time per scenario, e.g. 60s, 5m.")
    String duration;

    @Option(names = "--seed", description = "Random seed (default: time); the same seed makes the same choices.")
    Long seed;

    @Option(names = "--journal", defaultValue = "postgres",
        description = "postgres (a server the harness starts from the embedded binaries) or h2.")
    String journal;

    @Option(names = "--postgres-url", description = "An external PostgreSQL server (JDBC URL) instead of one the "
        + "harness starts; the password comes from SHARDCAST_POSTGRES_PASSWORD.")
    String postgresUrl;

    @Option(names = "--postgres-user", defaultValue = "postgres", description = "The external server's user.")
    String postgresUser;

    @Option(names = "--viewers", defaultValue = "24", description = "Recording viewers (they come and go).")
    int viewers;

    @Option(names = "--buyers", defaultValue = "12", description = "Buyers racing for each flash sale.")
    int buyers;

    @Option(names = "--faulty", defaultValue = "1", description = "Nodes hit at once by kill-random-loop and "
        + "partition-minority; must leave a majority.")
    int faulty;

    @Option(names = "--restart-delay", defaultValue = "10",
        description = "Seconds a killed or retired node stays down before it is started again.")
    int restartDelay;

    @Option(names = "--netns", defaultValue = "auto",
        description = "Nodes in network namespaces: auto (when root), on, off.")
    String netns;

    @Option(names = "--out", description = "Directory for histories, logs and reports (default chaos-runs/<time>).")
    Path out;

    @Override
    public Integer call() throws Exception {
      List<Scenario> scenarios = new ArrayList<>();
      try {
        for (String s : scenario) {
          for (Scenario sc : Scenario.parse(s.trim())) {
            if (!scenarios.contains(sc)) {
              scenarios.add(sc);
            }
          }
        }
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      int seconds = seconds(duration);
      long s = seed != null ? seed : System.currentTimeMillis();
      Path dir = out != null ? out : Path.of("chaos-runs",
          LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      ChaosOptions options = new ChaosOptions(scenarios, nodes, seconds, s, journal, dir, viewers, buyers, faulty,
          netns, restartDelay, postgresUrl, postgresUser);
      String netnsProblem = NetworkLab.unavailableReason();
      List<String> problems = options.problems(netnsProblem);
      if (!problems.isEmpty()) {
        throw new ParameterException(spec.commandLine(), String.join("\n", problems));
      }
      boolean useNetns = options.useNetns(netnsProblem);
      System.out.println("chaos run: " + scenarios.size() + " scenario(s), " + nodes + " nodes, " + seconds
          + " s of faults each, seed " + s + ", results in " + dir.toAbsolutePath());
      boolean ok = true;
      StringBuilder summary = new StringBuilder();
      for (Scenario sc : scenarios) {
        try {
          Report r = new ChaosRun(NodeProgram.of(Shardcast.class), options, sc, dir.resolve(sc.id()), System.out, useNetns).run();
          ok &= r.ok();
          summary.append(String.format("  %-22s %s%n", sc.id(), line(r)));
        } catch (Exception e) {
          ok = false;
          System.out.println("[" + sc.id() + "] could not run: " + e);
          summary.append(String.format("  %-22s FAIL  could not run: %s%n", sc.id(), e.getMessage()));
        }
      }
      System.out.println("\nchaos summary (seed " + s + "):");
      System.out.print(summary);
      System.out.println(ok ? "every invariant held" : "INVARIANTS BROKEN: see the reports");
      return ok ? 0 : 1;
    }

    private int seconds(String d) {
      String t = d.trim().toLowerCase();
      int unit = 1;
      if (t.endsWith("ms")) {
        throw new ParameterException(spec.commandLine(), "--duration is in seconds or minutes (60s, 5m), got " + d);
      } else if (t.endsWith("s")) {
        t = t.substring(0, t.length() - 1);
      } else if (t.endsWith("m")) {
        unit = 60;
        t = t.substring(0, t.length() - 1);
      } else if (t.endsWith("h")) {
        unit = 3600;
        t = t.substring(0, t.length() - 1);
      }
      try {
        long v = Long.parseLong(t) * unit;
        if (v <= 0 || v > 24 * 3600) {
          throw new ParameterException(spec.commandLine(), "--duration must be above 0 and at most 24h, got " + d);
        }
        return (int) v;
      } catch (NumberFormatException e) {
        throw new ParameterException(spec.commandLine(), "--duration wants a number of seconds or minutes (60s, 5m), "
            + "got " + d);
      }
    }
  }

  static String line(Report r) {
    return (r.ok() ? "ok  " : "FAIL") + (r.harnessErrors().isEmpty() ? "" : "  (incomplete: "
        + r.harnessErrors().get(0) + ")") + "  lost " + r.violations("orders", "lost") + ", oversold "
        + r.violations("orders", "oversold") + ", duplicated " + r.violations("orders", "duplicated")
        + ", viewer gaps " + (r.violations("viewers", "gap") + r.violations("viewers", "lost"))
        + ", double activations " + r.violations("split-brain", "double-activation")
        + ", faults " + r.costs().size() + ", worst unavailability "
        + r.costs().stream().mapToLong(c -> c.unavailableMillis()).max().orElse(0) + " ms";
  }

  /** {@code shardcast chaos check HISTORY}: checks a recorded history again. */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Check a recorded history.jsonl again and rewrite its report next to it.")
  public static final class Check implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "HISTORY", description = "A history.jsonl from a chaos run.")
    Path history;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(history)) {
        throw new ParameterException(spec.commandLine(), "no history file at " + history);
      }
      Report r;
      try {
        r = Report.of(History.read(history));
      } catch (java.io.IOException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      Path dir = history.toAbsolutePath().getParent();
      r.write(dir);
      System.out.println(r.scenario() + ": " + line(r));
      System.out.println("report: " + dir.resolve("report.md"));
      return r.ok() ? 0 : 1;
    }
  }

  /** {@code shardcast chaos list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the scenarios.")
  public static final class ListScenarios implements Runnable {
    @Override
    public void run() {
      for (Scenario s : Scenario.values()) {
        System.out.printf("%-22s %s%s%n", s.id(), s.description(), s.partitions() ? " [root: network namespaces]"
            : s.postgres() ? " [PostgreSQL journal]" : "");
      }
    }
  }
}
