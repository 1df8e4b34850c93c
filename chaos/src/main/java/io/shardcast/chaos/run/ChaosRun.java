package io.shardcast.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.chaos.Report;
import io.shardcast.chaos.history.History;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.cluster.NodeProgram;
import io.shardcast.testkit.load.RestClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One chaos scenario end to end: a real multi-process cluster (in network namespaces when it can),
 * a room with viewers, buyers and a prober running, the scenario's faults, then every fault healed,
 * the final confirmed orders read, the nodes' room activity merged, the history checked and the
 * report written to the scenario's directory.
 */
public final class ChaosRun {

  /** Seconds of load before the first fault. */
  static final int WARM_UP_S = 10;
  /** Seconds of load after everything is healed, before the clients stop. */
  static final int SETTLE_S = 8;
  /** How long healing may take until every node serves again (a draining node leaves first). */
  private static final long HEAL_TIMEOUT_MS = 180_000;

  private final ChaosOptions options;
  private final Scenario scenario;
  private final Path dir;
  private final RunLog log;
  private final Random random;
  private final boolean netns;
  private final String opsToken = UUID.randomUUID().toString();
  /** For the clients that measure (viewers, buyers, prober): requests with their own timeouts. */
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .version(HttpClient.Version.HTTP_1_1).build();
  /** For the harness's own requests (host, membership, final lists). */
  private final RestClient rest = new RestClient(Duration.ofSeconds(5));
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(4, r -> {
    Thread t = new Thread(r, "chaos-clients");
    t.setDaemon(true);
    return t;
  });
  /** How the cluster's node processes start. */
  private final NodeProgram nodes;
  private History history;
  private NetworkLab lab;
  private ChaosPostgres postgres;
  private LocalCluster cluster;
  private Targets targets;
  private RoomLoad load;
  private MediaLossRig media;
  private ClusterUnderTest underTest;

  public ChaosRun(NodeProgram nodes, ChaosOptions options, Scenario scenario, Path dir, PrintStream log,
      boolean netns) {
    this.nodes = nodes;
    this.options = options;
    this.scenario = scenario;
    this.dir = dir;
    this.log = new RunLog(log, scenario);
    this.netns = netns;
    this.random = new Random(options.seed() ^ scenario.ordinal());
  }

  /** Runs the scenario and checks it; the report says what was found. */
  public Report run() throws Exception {
    Files.createDirectories(dir);
    Thread cleanup = new Thread(this::teardown, "chaos-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      history = new History(dir.resolve("history.jsonl"));
      startCluster();
      startLoad();
      long startedAt = log.loadStartedAt();
      long deadline = startedAt + (WARM_UP_S + options.durationSeconds()) * 1000L;
      sleepUntil(startedAt + WARM_UP_S * 1000L);
      log.say("faults begin");
      try {
        fault().injectUntil(deadline);
      } catch (Exception e) {
        // The scenario could not do what it meant to: the run still heals and is checked, and
        // the report says it is incomplete.
        history.add(History.record("harness").put("error", e.toString()));
        log.say("the scenario stopped early: " + e);
      }
      sleepUntil(deadline);
      log.say("healing every fault");
      healAll();
      log.say("settling for " + SETTLE_S + " s with the load on");
      Thread.sleep(SETTLE_S * 1000L);
      stopLoad();
      load.recordFinalOrders();
    } finally {
      teardown();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException ignored) {
        // shutting down: the hook runs
      }
    }
    List<JsonNode> records = History.read(dir.resolve("history.jsonl"));
    Report report = Report.of(records);
    report.write(dir);
    return report;
  }

  // ---- set-up -----------------------------------------------------------------------------------

  private void startCluster() throws Exception {
    int n = options.nodes();
    List<String> nodeArgs = new ArrayList<>();
    String pgHost = "127.0.0.1";
    if (netns) {
      lab = new NetworkLab(Long.toString(Math.abs(random.nextLong()) % 46656, 36), n);
      pgHost = lab.hostIp();
    }
    if (options.journal().equals("postgres") && options.postgresUrl() != null) {
      nodeArgs.addAll(List.of("--journal", "postgres", "--postgres-url", options.postgresUrl(), "--postgres-user",
          options.postgresUser()));
    } else if (options.journal().equals("postgres")) {
      postgres = new ChaosPostgres(dir.resolve("postgres"), pgHost, LocalCluster.freePort());
      postgres.start();
      nodeArgs.addAll(List.of("--journal", "postgres", "--postgres-url", postgres.jdbcUrl(), "--postgres-user",
          "postgres"));
    }
    NetworkLab l = lab;
    LocalCluster.Placement placement = new LocalCluster.Placement() {
      @Override
      public String host(int i) {
        return l == null ? "127.0.0.1" : l.nodeIp(i);
      }

      @Override
      public List<String> prefix(int i) {
        return l == null ? List.of() : l.prefix(i);
      }

      @Override
      public List<String> jvmOptions(int i) {
        return List.of("-Dshardcast.room.activity-log=" + NodeActivity.file(dir, i));
      }
    };
    log.say("starting " + n + " nodes (" + options.journal() + " journal" + (options.postgresUrl() != null ? " at "
        + options.postgresUrl() : "") + (netns ? ", each in its own network namespace"
        : ", on loopback") + ")");
    cluster = LocalCluster.start(nodes, n, dir.resolve("nodes"), 0, List.of("-Xms128m", "-Xmx512m",
        "-XX:TieredStopAtLevel=1", LocalCluster.FIXED_SIZE, "-Dshardcast.ops.token=" + opsToken), nodeArgs, placement);
    cluster.awaitReady(Duration.ofSeconds(180));
    targets = new Targets(cluster);
    history.add(History.record("meta").put("scenario", scenario.id()).put("nodes", n).put("seed", options.seed())
        .put("journal", options.journal()).put("netns", netns).put("durationS", options.durationSeconds())
        .put("viewers", options.viewers()).put("buyers", options.buyers()).put("faulty", options.faulty()));
  }

  private void startLoad() throws Exception {
    load = RoomLoad.start(targets, cluster.node(0).http(), "chaos " + scenario.id(), options.viewers(),
        options.buyers(), history, http, rest, timer, random);
    log.say("room " + load.roomId() + ": " + options.viewers() + " viewers, " + options.buyers()
        + " buyers, a flash sale of " + FlashSales.QUANTITY + " every " + FlashSales.EVERY_S + " s");
    if (scenario == Scenario.MEDIA_LOSS) {
      media = new MediaLossRig(dir, options.seed(), log);
      media.start(cluster, rest, load.roomId(), load.hostToken());
    }
    log.loadStarted();
    FaultLog faults = new FaultLog(history, log);
    ClusterProbe probe = new ClusterProbe(cluster, targets, rest, load.prober(), load.roomId());
    underTest = new ClusterUnderTest(cluster, targets, probe, new Victims(options.nodes(), options.faulty(), random,
        probe), new NodeSupervisor(cluster, targets, probe, faults), faults);
  }

  /** The scenario's fault, with the round each repeats in. */
  private Fault fault() {
    ClusterUnderTest c = underTest;
    int delay = options.restartDelaySeconds();
    return switch (scenario) {
      case KILL_ROOM_HOST -> new HardKill(c, () -> List.of(c.probe().roomHost()), 30, delay);
      case KILL_RANDOM_LOOP -> new HardKill(c, () -> c.victims().random(options.faulty()), 25, delay);
      case KILL_COORDINATOR -> new HardKill(c, () -> List.of(c.probe().oldest()), 30, delay);
      case PAUSE_ROOM_HOST -> new Pause(c);
      case PARTITION_MINORITY -> new Partition(c, lab, c.victims()::minorityWithoutRoom);
      case PARTITION_MAJORITY -> new Partition(c, lab, c.victims()::minorityWithRoom);
      case PARTITION_FLAPPING -> new PartitionFlapping(c, lab);
      case POSTGRES_RESTART -> new PostgresStop(postgres, load.sales(), c.faults());
      case ROLLING_RESTART -> new RollingRestart(c, options.nodes());
      case SCALE_IN_DURING_SALE -> new Drain(c, load.sales(), rest, random, opsToken, delay);
      case MEDIA_LOSS -> new MediaLoss(media, c.faults());
    };
  }

  // ---- the end ----------------------------------------------------------------------------------

  private void healAll() throws Exception {
    underTest.supervisor().resumePaused();
    if (lab != null) {
      lab.heal();
    }
    if (postgres != null) {
      postgres.start();
    }
    underTest.supervisor().restartUntilAllServe(HEAL_TIMEOUT_MS);
  }

  private void stopLoad() throws InterruptedException {
    load.stop();
    if (media != null) {
      media.record(history);
      media.close();
    }
    Thread.sleep(500);
  }

  /** Stops everything this run started; safe to call twice (the Ctrl-C hook and the normal end). */
  private synchronized void teardown() {
    timer.shutdownNow();
    if (media != null) {
      media.close();
    }
    if (cluster != null) {
      if (underTest != null) {
        underTest.supervisor().resumePausedBeforeTeardown();
      }
      cluster.close();
      cluster.copyLogs(dir);
      cluster = null;
    }
    if (lab != null) {
      lab.close();
      lab = null;
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        System.err.println("could not stop PostgreSQL: " + e.getMessage());
      }
      postgres = null;
    }
    if (history != null) {
      try {
        NodeActivity.merge(dir, options.nodes(), history);
        history.close();
      } catch (IOException e) {
        System.err.println("could not finish the history: " + e.getMessage());
      }
      history = null;
    }
  }

  private static void sleepUntil(long when) throws InterruptedException {
    long ms = when - System.currentTimeMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }
}
