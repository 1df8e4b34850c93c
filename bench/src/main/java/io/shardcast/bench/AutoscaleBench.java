package io.shardcast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.shardcast.autoscaler.policy.AutoscalerSettings;
import io.shardcast.autoscaler.sim.ClusterModel;
import io.shardcast.autoscaler.sim.PolicyController;
import io.shardcast.autoscaler.sim.ReactiveBaseline;
import io.shardcast.autoscaler.sim.SimResult;
import io.shardcast.autoscaler.sim.Simulation;
import io.shardcast.autoscaler.sim.Trace;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RestClient;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.load.Viewer;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code shardcast bench autoscale}: replays demand traces against a model of node capacity and
 * start-up time, with Shardcast's policy, an HPA-like reactive baseline and an oracle side by side.
 */
@Command(name = "autoscale", mixinStandardHelpOptions = true,
    description = "Trace-driven simulation: the real policy vs an HPA-like baseline vs an oracle.")
public final class AutoscaleBench implements Callable<Integer> {

  @ParentCommand
  BenchCommand bench;

  /** Viewers on each node drained by {@code --live-starts}. */
  private static final int DRAIN_VIEWERS = 50;

  @Option(names = "--trace", description = "a trace CSV file or a built-in name (ramp-5min, spike-60s, flash-sale, "
      + "quiet-night); repeatable; default: every built-in trace")
  List<String> traces = new ArrayList<>();
  // The model's defaults are what `--live-starts 5 --live-activations 5` measured on the project's
  // 2-core build machine (BENCHMARKS.md, 2026-12-02); the conservative model it replaced (12 s +/- 25%,
  // 2 s, 10 s) is still reported there.
  @Option(names = "--cold-start-seconds", defaultValue = "4.0",
      description = "a new Shardcast node, start to warm standby (default: measured on the build machine)")
  double coldStart;
  @Option(names = "--cold-start-jitter", defaultValue = "0.35", description = "each start takes the cold start "
      + "times 1 +/- up to this fraction")
  double coldStartJitter;
  @Option(names = "--activation-seconds", defaultValue = "0.5", description = "a warm standby, decision to serving "
      + "(default: measured, order to /join naming the node)")
  double activation;
  @Option(names = "--drain-seconds", defaultValue = "4.5", description = "a drain, order to process exit "
      + "(default: measured)")
  double drain;
  @Option(names = "--baseline-ready-seconds", defaultValue = "45",
      description = "the baseline's new pod, created to ready: 30 s plus JVM warm-up")
  double baselineReady;
  @Option(names = "--baseline-target", defaultValue = "0.7", description = "the baseline's utilization target")
  double baselineTarget;
  @Option(names = "--seed", defaultValue = "7") long seed;
  @Option(names = "--series", description = "a directory to write each run's per-second CSV into")
  Path seriesDir;
  @Option(names = "--charts", paramLabel = "DIR", description = "a directory to draw one SVG per trace into, "
      + "autoscale-TRACE.svg: the demand each second in nodes' worth of safe load (the oracle's nodes) against "
      + "each controller's serving nodes and all its nodes, sale reveals marked, and for each sale the minutes "
      + "around it, autoscale-TRACE-sale-N.svg; with --live-starts or --live-activations, the traces run again "
      + "with the measured times are drawn as autoscale-TRACE-measured.svg (and -sale-N-measured.svg)")
  Path chartsDir;
  @Option(names = "--live-starts", defaultValue = "0",
      description = "also measure this many cold starts of a real `shardcast node` process joining a running "
          + "node, decision to /ready (the figure --cold-start-seconds models), then drain each with viewers "
          + "until its process exits (--drain-seconds); the traces are then also run with the measured times")
  int liveStarts;
  @Option(names = "--live-activations", defaultValue = "0",
      description = "also measure this many activations of a warm standby on a real two-node cluster: the "
          + "operator's order to the node confirming it serves, and to /join first naming it")
  int liveActivations;

  @Override
  public Integer call() throws Exception {
    AutoscalerSettings settings;
    try {
      settings = AutoscalerSettings.from(ConfigFactory.load());
    } catch (IllegalArgumentException e) {
      System.err.println("bench autoscale: " + e.getMessage());
      return 2;
    }
    ClusterModel model;
    try {
      model = new ClusterModel(settings.safeLoad(), coldStart, coldStartJitter, activation, drain, baselineReady, seed);
    } catch (IllegalArgumentException e) {
      System.err.println("bench autoscale: " + e.getMessage());
      return 2;
    }
    if (!(baselineTarget > 0 && baselineTarget <= 1)) {
      System.err.println("bench autoscale: --baseline-target must be in (0, 1]");
      return 2;
    }
    List<Trace> runs = new ArrayList<>();
    for (String t : traces.isEmpty() ? Trace.BUILT_IN : traces) {
      try {
        runs.add(Files.isRegularFile(Path.of(t)) ? Trace.load(Path.of(t)) : Trace.builtIn(t));
      } catch (IllegalArgumentException e) {
        System.err.println("bench autoscale: " + e.getMessage());
        return 2;
      }
    }
    for (Path dir : new Path[] {seriesDir, chartsDir}) {
      if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
        System.err.println("bench autoscale: " + dir + " is a file; --series and --charts want a directory");
        return 2;
      }
    }
    if (seriesDir != null) {
      Files.createDirectories(seriesDir);
    }
    if (chartsDir != null) {
      Files.createDirectories(chartsDir);
    }
    if (liveStarts < 0) {
      System.err.println("bench autoscale: --live-starts must be >= 0");
      return 2;
    }
    long[] activations = liveActivations > 0 ? measureActivations() : null;
    long[][] startsAndDrains = liveStarts > 0 ? measureColdStarts() : null;
    System.out.printf(Locale.ROOT, "model: safe load %.0f viewers, %.0f joins/s, %.0f events-in/s per node; cold start "
        + "%.1f s +/- %.0f%%, activation %.1f s, drain %.1f s; baseline ready after %.0f s, target %.2f%n",
        settings.safeLoad().viewers(), settings.safeLoad().joinsPerSecond(), settings.safeLoad().eventsInPerSecond(),
        coldStart, coldStartJitter * 100, activation, drain, baselineReady, baselineTarget);
    boolean allMet = simulate(settings, model, runs, "");
    if (activations != null || startsAndDrains != null) {
      // The same traces with the start-up, activation and drain times just measured on this machine.
      double cold = coldStart;
      double jitter = coldStartJitter;
      double drained = drain;
      if (startsAndDrains != null) {
        long[] starts = startsAndDrains[0];
        double mean = Arrays.stream(starts).average().orElse(0) / 1000.0;
        cold = mean;
        jitter = Math.min(0.9, Math.max(0.1, (starts[starts.length - 1] - starts[0]) / 2000.0 / mean));
        drained = Math.max(0.1, startsAndDrains[1][startsAndDrains[1].length - 1] / 1000.0);
      }
      double activated = activations == null ? activation : Math.max(0.1, activations[activations.length / 2] / 1000.0);
      ClusterModel measured = new ClusterModel(settings.safeLoad(), cold, jitter, activated, drained, baselineReady, seed);
      System.out.printf(Locale.ROOT, "%nmodel from this run's live measurements: cold start %.1f s +/- %.0f%% (%s), "
          + "activation %.1f s (%s), drain %.1f s (%s); the rest as above%n", cold, jitter * 100,
          startsAndDrains != null ? "their mean and spread" : "not measured", activated,
          activations != null ? "p50 to /join naming it" : "not measured", drained,
          startsAndDrains != null ? "the slowest" : "not measured");
      simulate(settings, measured, runs, "-measured");
    }
    return allMet ? 0 : 1;
  }

  /**
   * Runs every trace with the policy, the baseline and the oracle; prints the table; draws each trace
   * when asked (file names end in {@code chartSuffix}); whether every target was met.
   */
  private boolean simulate(AutoscalerSettings settings, ClusterModel model, List<Trace> runs, String chartSuffix)
      throws Exception {
    System.out.println("| trace | controller | overloaded node-s | peak stress | node-hours | x oracle | max nodes | actions |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    boolean allMet = true;
    for (Trace trace : runs) {
      SimResult oracle = Simulation.oracle(trace, model);
      // Both controllers start from the nodes the first second needs at the policy's target utilization.
      int initial = Math.max(settings.minActive(), nodesAtStart(trace, model, settings.targetUtilization()));
      StringWriter policySeries = new StringWriter();
      StringWriter baselineSeries = new StringWriter();
      SimResult policy = run(trace, model, new PolicyController(settings), initial, settings.minStandby(),
          policySeries);
      SimResult baseline = run(trace, model, new ReactiveBaseline(baselineTarget, settings.minActive()), initial, 0,
          baselineSeries);
      for (SimResult r : List.of(policy, baseline, oracle)) {
        System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.3f | %.2f | %d | %d |%n", r.trace(), r.controller(),
            r.overloadedNodeSeconds(), r.peakStress(), r.nodeHours(), r.nodeHours() / oracle.nodeHours(), r.maxNodes(),
            r.scaleActions());
      }
      // Issue 4's targets: none overloaded on the ramp and the scheduled sale, at most a tenth of the
      // baseline's elsewhere; node-hours within 1.3x the oracle's.
      boolean mustBeZero = trace.name().equals("ramp-5min") || trace.name().equals("flash-sale");
      double allowed = mustBeZero ? 0 : 0.1 * baseline.overloadedNodeSeconds();
      boolean met = policy.overloadedNodeSeconds() <= allowed && policy.nodeHours() <= 1.3 * oracle.nodeHours();
      allMet &= met;
      System.out.printf(Locale.ROOT, "%s: overloaded %.0f node-s (baseline %.0f), node-hours %.2fx oracle: %s%n",
          trace.name(), policy.overloadedNodeSeconds(), baseline.overloadedNodeSeconds(),
          policy.nodeHours() / oracle.nodeHours(), met ? "targets met" : "TARGETS MISSED");
      if (chartsDir != null) {
        List<AutoscaleChart.Run> drawn = List.of(AutoscaleChart.Run.parse(policy.controller(), policySeries.toString()),
            AutoscaleChart.Run.parse(baseline.controller(), baselineSeries.toString()));
        Path file = chartsDir.resolve(AutoscaleChart.fileName(trace.name(), chartSuffix));
        AutoscaleChart.of(trace, model, drawn).write(file);
        System.out.println("chart: " + file);
        for (int i = 0; i < trace.sales().size(); i++) {
          Path sale = chartsDir.resolve(AutoscaleChart.fileName(trace.name(), "-sale-" + (i + 1) + chartSuffix));
          AutoscaleChart.aroundSale(trace, model, drawn, i).write(sale);
          System.out.println("chart: " + sale);
        }
      }
    }
    return allMet;
  }

  /**
   * A node and a warm standby (autoscaler not acting, so only these orders move them): activates the
   * standby by the ops endpoint, times it until the autoscaler has its confirming report and until
   * {@code /join} first names it, drains it back to standby, and again.
   */
  private long[] measureActivations() throws Exception {
    Path dir = Files.createTempDirectory("shardcast-bench-activation");
    Path conf = dir.resolve("bench.conf");
    Files.writeString(conf, "shardcast.ops.token = \"bench\"\n");
    List<String> args = List.of("--config", conf.toString());
    List<String> jvm = List.of("-Xms512m", "-Xmx512m", LocalCluster.FIXED_SIZE);
    RestClient rest = new RestClient();
    try (LocalCluster cluster = LocalCluster.start(bench.nodes(), 1, dir, 0, jvm, args)) {
      cluster.awaitReady(Duration.ofSeconds(180));
      List<String> standbyArgs = new ArrayList<>(args);
      standbyArgs.addAll(List.of("--role", "standby"));
      LocalCluster.Node standby = cluster.add(standbyArgs);
      cluster.awaitReady(Duration.ofSeconds(180));
      String gateway = cluster.node(0).http();
      String node = "127.0.0.1:" + standby.remotePort();
      awaitRole(rest, gateway, node, "STANDBY");
      RoomScript room = new RoomScript(gateway).create("activation bench");
      Thread.sleep(1500); // the join table at the gateway has seen the standby as one
      long[] confirmed = new long[liveActivations];
      long[] joinable = new long[liveActivations];
      for (int i = 0; i < liveActivations; i++) {
        long startWall = System.currentTimeMillis();
        long start = System.nanoTime();
        RestClient.Response r = rest.post(gateway + "/api/autoscaler/nodes/activate", "bench",
            RoomScript.body().put("node", node));
        if (r.status() != 202) {
          throw new IllegalStateException("activation refused: " + r.body());
        }
        while (!room.joinBase().equals(standby.ws())) {
          if (System.nanoTime() - start > 10_000_000_000L) {
            throw new IllegalStateException("/join did not name the activated node within 10 s");
          }
          Thread.sleep(5);
        }
        joinable[i] = (System.nanoTime() - start) / 1_000_000;
        confirmed[i] = measuredActivation(rest, gateway, node, startWall);
        System.out.printf(Locale.ROOT, "activation %d: confirmed serving after %d ms; /join names it after %d ms%n",
            i + 1, confirmed[i], joinable[i]);
        rest.post(gateway + "/api/autoscaler/nodes/drain", "bench",
            RoomScript.body().put("node", node).put("then", "standby"));
        awaitRole(rest, gateway, node, "STANDBY");
        // Until the gateway's join table (refreshed twice a second) no longer names it.
        long until = System.currentTimeMillis() + 10_000;
        int others = 0;
        while (others < 5 && System.currentTimeMillis() < until) {
          boolean elsewhere = !room.joinBase().equals(standby.ws());
          others = elsewhere ? others + 1 : 0;
          Thread.sleep(200);
        }
      }
      Arrays.sort(confirmed);
      Arrays.sort(joinable);
      System.out.printf(Locale.ROOT, "standby activation over %d: confirmed p50 %d ms max %d ms; /join p50 %d ms max %d ms "
          + "(target p50 < 2 s)%n", liveActivations, confirmed[liveActivations / 2], confirmed[liveActivations - 1],
          joinable[liveActivations / 2], joinable[liveActivations - 1]);
      return joinable;
    }
  }

  /** The autoscaler's own measurement of the activation of {@code node} ordered at {@code sinceMillis}, in ms. */
  private static long measuredActivation(RestClient rest, String gateway, String node, long sinceMillis)
      throws Exception {
    long until = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < until) {
      for (JsonNode u : rest.get(gateway + "/api/autoscaler", "bench").body().path("startups")) {
        if (u.path("kind").asText().equals("activation") && u.path("node").asText().endsWith("@" + node)
            && u.path("at").asLong() >= sinceMillis) {
          return Math.round(u.path("seconds").asDouble() * 1000);
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("the autoscaler recorded no activation of " + node);
  }

  private static void awaitRole(RestClient rest, String gateway, String node, String role) throws Exception {
    long until = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < until) {
      for (JsonNode n : rest.get(gateway + "/api/autoscaler", "bench").body().path("nodes")) {
        if (n.path("node").asText().endsWith("@" + node) && n.path("role").asText().equals(role)) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(node + " did not become " + role);
  }

  /**
   * Starts a node, then adds {@code liveStarts} more one at a time, timing each from spawn to /ready.
   * Then drains each added node as a scale-in would: activated, with {@link #DRAIN_VIEWERS} viewers
   * connected, drained by the ops endpoint, timed from the order until its process has exited (its
   * viewers follow the reconnect hints to the first node). Returns both, sorted, in ms.
   */
  private long[][] measureColdStarts() throws Exception {
    Path dir = Files.createTempDirectory("shardcast-bench-coldstart");
    Path conf = dir.resolve("bench.conf");
    Files.writeString(conf, "shardcast.ops.token = \"bench\"\n");
    List<String> jvm = List.of("-Xms512m", "-Xmx512m", LocalCluster.FIXED_SIZE);
    RestClient rest = new RestClient();
    HttpClient http = HttpClient.newHttpClient();
    try (LocalCluster cluster = LocalCluster.start(bench.nodes(), 1, dir, 0, jvm, List.of("--config", conf.toString()))) {
      cluster.awaitReady(Duration.ofSeconds(180));
      String gateway = cluster.node(0).http();
      long[] millis = new long[liveStarts];
      List<LocalCluster.Node> added = new ArrayList<>();
      for (int i = 0; i < liveStarts; i++) {
        long start = System.nanoTime();
        LocalCluster.Node n = cluster.add(List.of("--role", "standby", "--config", conf.toString()));
        added.add(n);
        while (!cluster.ready(n)) {
          if (System.nanoTime() - start > 120_000_000_000L) {
            throw new IllegalStateException("node not ready after 120 s; see " + n.log());
          }
          if (!n.process().isAlive()) {
            throw new IllegalStateException("node exited; see " + n.log());
          }
          Thread.sleep(50);
        }
        millis[i] = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(Locale.ROOT, "cold start %d: %d ms from spawning the process to /ready (joined, serving)%n",
            i + 1, millis[i]);
      }
      Arrays.sort(millis);
      System.out.printf(Locale.ROOT, "cold start over %d: p50 %d ms, max %d ms (target < 15 s)%n", liveStarts,
          millis[liveStarts / 2], millis[liveStarts - 1]);
      RoomScript room = new RoomScript(gateway).create("drain bench");
      long[] drains = new long[added.size()];
      for (int i = added.size() - 1; i >= 0; i--) {
        LocalCluster.Node n = added.get(i);
        String node = n.address();
        awaitRole(rest, gateway, node, "STANDBY");
        rest.post(gateway + "/api/autoscaler/nodes/activate", "bench", RoomScript.body().put("node", node));
        awaitRole(rest, gateway, node, "ACTIVE");
        List<Viewer> viewers = new ArrayList<>();
        for (int v = 0; v < DRAIN_VIEWERS; v++) {
          viewers.add(new Viewer("drain-" + i + "-" + v, null, false).connect(http, n.ws(), room.roomId(), -1)
              .get(20, TimeUnit.SECONDS));
        }
        long start = System.nanoTime();
        RestClient.Response r = rest.post(gateway + "/api/autoscaler/nodes/drain", "bench",
            RoomScript.body().put("node", node).put("then", "leave"));
        if (r.status() != 202) {
          throw new IllegalStateException("drain refused: " + r.body());
        }
        if (!n.process().waitFor(120, TimeUnit.SECONDS)) {
          throw new IllegalStateException("drained node still running after 120 s; see " + n.log());
        }
        drains[i] = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(Locale.ROOT, "drain %d: %d ms from the order until the process exited (%d viewers moved)%n",
            added.size() - i, drains[i], DRAIN_VIEWERS);
        viewers.forEach(Viewer::close);
      }
      Arrays.sort(drains);
      System.out.printf(Locale.ROOT, "drain over %d: p50 %d ms, max %d ms%n", drains.length, drains[drains.length / 2],
          drains[drains.length - 1]);
      return new long[][] {millis, drains};
    }
  }

  /** One controller over one trace; its per-second series goes to {@code series} and, with --series, to a file. */
  private SimResult run(Trace trace, ClusterModel model, Simulation.Controller controller, int active, int standby,
      StringWriter series) throws Exception {
    Simulation sim = new Simulation(trace, model);
    sim.provision(active, standby);
    boolean wanted = seriesDir != null || chartsDir != null;
    SimResult result = sim.run(controller, wanted ? series : null);
    if (seriesDir != null) {
      Files.writeString(seriesDir.resolve(trace.name() + "-" + controller.name() + ".csv"), series.toString());
    }
    return result;
  }

  private static int nodesAtStart(Trace trace, ClusterModel model, double utilization) {
    return (int) Math.ceil(Math.max(trace.viewers()[0] / model.safe().viewers(),
        Math.max(trace.joins()[0] / model.safe().joinsPerSecond(), trace.events()[0] / model.safe().eventsInPerSecond()))
        / utilization);
  }
}
