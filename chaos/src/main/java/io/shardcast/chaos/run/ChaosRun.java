package io.shardcast.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.chaos.Report;
import io.shardcast.chaos.history.History;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.cluster.NodeProgram;
import io.shardcast.testkit.load.RestClient;
import io.shardcast.testkit.media.Ffmpeg;
import io.shardcast.testkit.media.LossProxy;
import io.shardcast.testkit.media.RtpPlayer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
  static final int SALE_EVERY_S = 12;
  static final int SALE_QUANTITY = 30;
  static final int SALE_LIMIT = 3;

  private final ChaosOptions options;
  private final Scenario scenario;
  private final Path dir;
  private final PrintStream log;
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
  private final List<RecordingViewer> viewers = new ArrayList<>();
  private final Set<Integer> paused = new TreeSet<>();
  private History history;
  private NetworkLab lab;
  private ChaosPostgres postgres;
  private LocalCluster cluster;
  private Targets targets;
  private Prober prober;
  private Buyers buyers;
  private String roomId;
  private String hostToken;
  private volatile String currentSale;
  private final List<String> sales = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger saleCounter = new java.util.concurrent.atomic.AtomicInteger();
  private long startedAt;

  // Media (the media-loss scenario): an ffmpeg publisher, one RTP player per node behind a loss proxy.
  private static final int MEDIA_FPS = 25;
  private static final long MEDIA_DELAY_MS = 10;
  private static final long MEDIA_JITTER_MS = 250;
  private static final LossProxy.Model NO_LOSS = r -> false;
  private static final String[] MEDIA_PROFILES = {"random 10%", "bursty (Gilbert-Elliott, mean 12%)", "random 30%"};
  private static final LossProxy.Model[] MEDIA_MODELS = {LossProxy.random(0.10),
      LossProxy.gilbertElliott(0.05, 0.25, 0.02, 0.6), LossProxy.random(0.30)};
  private volatile LossProxy.Model mediaLoss = NO_LOSS;
  private int mediaRound;
  private Process mediaPublisher;
  private final List<LossProxy> mediaProxies = new ArrayList<>();
  private final List<RtpPlayer> mediaPlayers = new ArrayList<>();
  /** How the cluster's node processes start. */
  private final NodeProgram nodes;
  private final List<Long> mediaPlayerStarts = new ArrayList<>();

  public ChaosRun(NodeProgram nodes, ChaosOptions options, Scenario scenario, Path dir, PrintStream log,
      boolean netns) {
    this.nodes = nodes;
    this.options = options;
    this.scenario = scenario;
    this.dir = dir;
    this.log = log;
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
      long deadline = startedAt + (WARM_UP_S + options.durationSeconds()) * 1000L;
      sleepUntil(startedAt + WARM_UP_S * 1000L);
      say("faults begin");
      try {
        faults(deadline);
      } catch (Exception e) {
        // The scenario could not do what it meant to: the run still heals and is checked, and
        // the report says it is incomplete.
        history.add(History.record("harness").put("error", e.toString()));
        say("the scenario stopped early: " + e);
      }
      sleepUntil(deadline);
      say("healing every fault");
      healAll();
      say("settling for " + SETTLE_S + " s with the load on");
      Thread.sleep(SETTLE_S * 1000L);
      stopLoad();
      readFinals();
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
        return List.of("-Dshardcast.room.activity-log=" + dir.resolve("activity-node-" + (i + 1) + ".jsonl"));
      }
    };
    say("starting " + n + " nodes (" + options.journal() + " journal" + (options.postgresUrl() != null ? " at "
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
    var gw = cluster.node(0).http();
    JsonNode created = post(gw + "/api/rooms", null, "{\"title\":\"chaos " + scenario.id() + "\"}", 201);
    roomId = created.path("roomId").asText();
    hostToken = created.path("hostToken").asText();
    history.add(History.record("meta").put("room", roomId));
    host("products", "{\"productId\":\"p1\",\"name\":\"Chaos bag\",\"priceCents\":9900,\"stock\":1000000}");
    say("room " + roomId + ": " + options.viewers() + " viewers, " + options.buyers() + " buyers, a flash sale of "
        + SALE_QUANTITY + " every " + SALE_EVERY_S + " s");
    for (int i = 0; i < options.viewers(); i++) {
      addViewer("v" + i);
    }
    timer.scheduleAtFixedRate(() -> {
      synchronized (viewers) {
        viewers.forEach(RecordingViewer::tick);
      }
    }, 1, 1, TimeUnit.SECONDS);
    // Viewers come and go: one leaves and a new one joins every few seconds.
    int[] next = {options.viewers()};
    timer.scheduleAtFixedRate(() -> {
      synchronized (viewers) {
        if (!viewers.isEmpty()) {
          viewers.remove(random.nextInt(viewers.size())).stop();
        }
      }
      addViewer("v" + next[0]++);
    }, 5, 5, TimeUnit.SECONDS);
    prober = new Prober(roomId, history, targets, http, random, 100);
    prober.start();
    buyers = new Buyers(options.buyers(), roomId, history, targets, http, timer, random, () -> currentSale, 300);
    buyers.start();
    timer.scheduleAtFixedRate(this::announceSale, 0, SALE_EVERY_S, TimeUnit.SECONDS);
    if (scenario == Scenario.MEDIA_LOSS) {
      startMedia();
    }
    startedAt = System.currentTimeMillis();
  }

  /** ffmpeg publishes the room to node 1 over RTMP; every node gets an RTP player behind its own loss proxy. */
  private void startMedia() throws Exception {
    LocalCluster.Node origin = cluster.node(0);
    mediaPublisher = Ffmpeg.publishRtmp(origin.rtmp() + "/" + roomId + "?token=" + hostToken, "640x360", MEDIA_FPS,
        MEDIA_FPS, "600k", dir.resolve("media-publisher.log"));
    long until = System.currentTimeMillis() + 30_000;
    while (!rest.get(origin.http() + "/api/rooms/" + roomId + "/media").body().path("live").asBoolean()) {
      if (System.currentTimeMillis() > until || !mediaPublisher.isAlive()) {
        throw new IllegalStateException("the media publisher did not go live: "
            + Files.readString(dir.resolve("media-publisher.log")));
      }
      Thread.sleep(200);
    }
    Thread.sleep(1500); // a first keyframe
    LossProxy.Model model = r -> mediaLoss.drop(r);
    for (LocalCluster.Node node : cluster.nodes()) {
      LossProxy proxy = new LossProxy(new java.net.InetSocketAddress(node.host(), node.rtpPort()), model,
          MEDIA_DELAY_MS, options.seed() + node.index());
      mediaProxies.add(proxy);
      mediaPlayers.add(new RtpPlayer(proxy.address(), roomId, MEDIA_JITTER_MS));
      mediaPlayerStarts.add(System.currentTimeMillis());
    }
    say("media: published to node-1, an RTP player on every node behind a loss proxy (" + MEDIA_DELAY_MS
        + " ms each way)");
  }

  /** One round of media loss: the next profile for 12 s on every player's path, then none. */
  private void mediaLossRound() throws Exception {
    int p = mediaRound++ % MEDIA_MODELS.length;
    fault("start", "media-loss " + MEDIA_PROFILES[p], "media", -2);
    mediaLoss = MEDIA_MODELS[p];
    Thread.sleep(12_000);
    mediaLoss = NO_LOSS;
    fault("end", "media-loss " + MEDIA_PROFILES[p], "media", -2);
  }

  /** Each player's tally, for the media checker. */
  private void recordMedia() {
    long now = System.currentTimeMillis();
    for (int i = 0; i < mediaPlayers.size(); i++) {
      RtpPlayer p = mediaPlayers.get(i);
      long seconds = (now - mediaPlayerStarts.get(i)) / 1000;
      history.add(History.record("media").put("player", "node-" + (i + 1)).put("complete", p.videoFramesComplete())
          .put("incomplete", p.videoFramesDropped()).put("expected", seconds * MEDIA_FPS)
          .put("rebuilt", p.receiver().recovered()).put("retransmitted", p.receiver().retransmitted())
          .put("proxyDropped", mediaProxies.get(i).dropped()));
    }
  }

  private void stopMedia() {
    for (RtpPlayer p : mediaPlayers) {
      try {
        p.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    mediaPlayers.clear();
    for (LossProxy proxy : mediaProxies) {
      try {
        proxy.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    mediaProxies.clear();
    if (mediaPublisher != null) {
      mediaPublisher.destroyForcibly();
      mediaPublisher = null;
    }
  }

  private void addViewer(String id) {
    RecordingViewer v = new RecordingViewer(id, roomId, history, targets, http, timer, random);
    synchronized (viewers) {
      viewers.add(v);
    }
    v.start();
  }

  private void announceSale() {
    String saleId = "s" + saleCounter.incrementAndGet();
    long revealAt = System.currentTimeMillis() + 1500;
    String body = "{\"saleId\":\"" + saleId + "\",\"productId\":\"p1\",\"quantity\":" + SALE_QUANTITY
        + ",\"perUserLimit\":" + SALE_LIMIT + ",\"revealInMs\":1500}";
    boolean sure = false;
    boolean maybe = false;
    for (int attempt = 0; attempt < 3 && !sure; attempt++) {
      try {
        post(targets.any(random).http() + "/api/rooms/" + roomId + "/flash-sales", hostToken, body, 200);
        sure = true;
      } catch (HttpStatus e) {
        // A retry of an announcement that did land is refused as a duplicate: it is there.
        sure = maybe && e.status == 409;
        if (!sure) {
          history.add(History.record("op").put("op", "host").put("phase", "fail").put("what", "announce " + saleId)
              .put("why", e.getMessage()));
          break;
        }
      } catch (Exception e) {
        maybe = true; // timed out or cut: it may or may not have landed
        history.add(History.record("op").put("op", "host").put("phase", "info").put("what", "announce " + saleId)
            .put("why", e.toString()));
      }
    }
    if (sure || maybe) {
      // A sale that may exist is judged too: its final list is read like any other.
      synchronized (sales) {
        sales.add(saleId);
      }
      history.add(History.record("sale").put("saleId", saleId).put("stock", SALE_QUANTITY).put("limit", SALE_LIMIT)
          .put("revealAt", revealAt).put("certain", sure));
    }
    if (sure) {
      currentSale = saleId;
    }
  }

  /** An HTTP answer other than the one expected. */
  static final class HttpStatus extends IOException {
    final int status;

    HttpStatus(String url, int status, String body) {
      super(url + ": HTTP " + status + " " + body);
      this.status = status;
    }
  }

  private JsonNode host(String op, String json) throws Exception {
    Exception last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return post(targets.any(random).http() + "/api/rooms/" + roomId + "/" + op, hostToken, json, 200);
      } catch (Exception e) {
        last = e;
        Thread.sleep(500);
      }
    }
    throw last;
  }

  private JsonNode post(String url, String bearer, String json, int expect) throws IOException, InterruptedException {
    RestClient.Response r = rest.post(url, bearer, json);
    if (r.status() != expect) {
      throw new HttpStatus(url, r.status(), r.body().toString());
    }
    return r.body();
  }


  // ---- faults -----------------------------------------------------------------------------------

  private void faults(long deadline) throws Exception {
    switch (scenario) {
      case KILL_ROOM_HOST -> rounds(deadline, 30, () -> killAndRestart(List.of(roomHost())));
      case KILL_RANDOM_LOOP -> rounds(deadline, 25, () -> killAndRestart(randomNodes(options.faulty())));
      case KILL_COORDINATOR -> rounds(deadline, 30, () -> killAndRestart(List.of(oldest())));
      case PAUSE_ROOM_HOST -> rounds(deadline, 45, this::pauseRoomHost);
      case PARTITION_MINORITY -> rounds(deadline, 45, () -> partition(minorityWithoutRoom()));
      case PARTITION_MAJORITY -> rounds(deadline, 45, () -> partition(minorityWithRoom()));
      case PARTITION_FLAPPING -> rounds(deadline, 45, this::flap);
      case POSTGRES_RESTART -> rounds(deadline, 25, this::restartPostgres);
      case ROLLING_RESTART -> rollingRestart(deadline);
      case SCALE_IN_DURING_SALE -> rounds(deadline, 30, this::drainDuringSale);
      case MEDIA_LOSS -> rounds(deadline, 20, this::mediaLossRound);
      default -> throw new IllegalStateException("no faults for " + scenario);
    }
  }

  private interface Round {
    void run() throws Exception;
  }

  /** Runs {@code round} again and again while one more fits before {@code deadline} (always at least once). */
  private void rounds(long deadline, int roundSeconds, Round round) throws Exception {
    do {
      long start = System.currentTimeMillis();
      round.run();
      sleepUntil(start + roundSeconds * 1000L);
    } while (System.currentTimeMillis() + roundSeconds * 500L <= deadline); // the last may run over by half a round
  }

  private void killAndRestart(List<Integer> victims) throws Exception {
    for (int i : victims) {
      fault("start", "kill", "hard-kill", i);
      targets.impair(i);
      cluster.kill(i);
      capacity("lost", i);
    }
    Thread.sleep(options.restartDelaySeconds() * 1000L);
    for (int i : victims) {
      restart(i);
    }
  }

  private void pauseRoomHost() throws Exception {
    int i = roomHost();
    fault("start", "pause", "pause", i);
    targets.impair(i);
    cluster.pause(i);
    synchronized (paused) {
      paused.add(i);
    }
    Thread.sleep(15_000);
    cluster.resume(i);
    synchronized (paused) {
      paused.remove(i);
    }
    fault("end", "pause", "pause", i);
    recoverAfterIsolation(List.of(i));
  }

  private void partition(List<Integer> minority) throws Exception {
    List<Integer> majority = others(minority);
    for (int i : minority) {
      fault("start", "partition", "partition", i);
      targets.impair(i);
    }
    lab.cut(minority, majority);
    Thread.sleep(20_000);
    lab.heal();
    for (int i : minority) {
      fault("end", "partition", "partition", i);
    }
    recoverAfterIsolation(minority);
  }

  private void flap() throws Exception {
    int a = roomHost();
    int b = others(List.of(a)).get(0);
    fault("start", "partition-flapping", "partition-flapping", a);
    for (int k = 0; k < 5; k++) {
      lab.cut(List.of(a), List.of(b));
      Thread.sleep(2000);
      lab.heal();
      Thread.sleep(2000);
    }
    fault("end", "partition-flapping", "partition-flapping", a);
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < options.nodes(); i++) {
      all.add(i);
    }
    recoverAfterIsolation(all);
  }

  /**
   * After a pause or partition: a node the cluster downed meanwhile shuts itself down; start it
   * again (as a supervisor would). A node that stayed a member is simply back.
   */
  private void recoverAfterIsolation(List<Integer> nodes) throws Exception {
    long until = System.currentTimeMillis() + 25_000;
    for (int i : nodes) {
      LocalCluster.Node n = cluster.node(i);
      while (n.process().isAlive() && System.currentTimeMillis() < until && !memberEverywhere(n)) {
        Thread.sleep(500);
      }
      if (n.process().isAlive() && memberEverywhere(n)) {
        targets.restore(i);
        capacity("back", i);
      } else {
        if (n.process().isAlive()) {
          cluster.kill(i); // neither a member nor gone: a supervisor would replace it
        }
        capacity("lost", i);
        restart(i);
      }
    }
  }

  /** Whether the other nodes' management lists {@code n} as Up. */
  private boolean memberEverywhere(LocalCluster.Node n) {
    try {
      for (LocalCluster.Node other : targets.healthy()) {
        if (other.index() == n.index()) {
          continue;
        }
        JsonNode members = members(other);
        boolean up = false;
        for (JsonNode m : members.path("members")) {
          if (m.path("node").asText().endsWith("@" + n.address()) && m.path("status").asText().equals("Up")) {
            up = true;
          }
        }
        for (JsonNode u : members.path("unreachable")) {
          if (u.path("node").asText().endsWith("@" + n.address())) {
            up = false;
          }
        }
        if (!up) {
          return false;
        }
      }
      return cluster.ready(n);
    } catch (Exception e) {
      return false;
    }
  }

  private void restartPostgres() throws Exception {
    awaitOpenSale();
    fault("start", "postgres-stop", "journal", -1);
    postgres.stop();
    Thread.sleep(8000);
    postgres.start();
    fault("end", "postgres-stop", "journal", -1);
  }

  private void rollingRestart(long deadline) throws Exception {
    do {
      for (int i = 0; i < options.nodes(); i++) {
        fault("start", "graceful-restart", "graceful-restart", i);
        targets.impair(i);
        cluster.terminate(i);
        capacity("lost", i);
        restart(i);
        Thread.sleep(3000);
      }
    } while (System.currentTimeMillis() + options.nodes() * 20_000L <= deadline);
  }

  private void drainDuringSale() throws Exception {
    awaitOpenSale();
    int i = roomHost();
    LocalCluster.Node n = cluster.node(i);
    targets.impair(i);
    fault("start", "drain", "drain", i);
    post(targets.any(random).http() + "/api/autoscaler/nodes/drain", opsToken,
        "{\"node\":\"" + n.address() + "\",\"then\":\"leave\"}", 202);
    n.process().waitFor(60, TimeUnit.SECONDS);
    if (n.process().isAlive()) {
      say("node " + (i + 1) + " did not leave within 60 s of its drain; killing it");
      cluster.kill(i);
    }
    capacity("lost", i);
    Thread.sleep(options.restartDelaySeconds() * 1000L);
    restart(i); // scale out again, so the next round has a node to drain
  }

  private void awaitOpenSale() throws InterruptedException {
    // Sales open 1.5 s after their announcement, every SALE_EVERY_S seconds: act 2.5 s after one.
    long sinceAnnounce = (System.currentTimeMillis() - startedAt) % (SALE_EVERY_S * 1000L);
    long wait = 2500 - sinceAnnounce;
    if (wait < 0) {
      wait += SALE_EVERY_S * 1000L;
    }
    Thread.sleep(wait);
  }

  private void restart(int i) throws Exception {
    cluster.restart(i);
    LocalCluster.Node n = cluster.node(i);
    long until = System.currentTimeMillis() + 120_000;
    while (!cluster.ready(n)) {
      if (!n.process().isAlive() || System.currentTimeMillis() > until) {
        throw new IllegalStateException("node " + (i + 1) + " did not come back; see " + n.log());
      }
      Thread.sleep(250);
    }
    targets.restore(i);
    capacity("back", i);
  }

  private void fault(String phase, String name, String cls, int node) {
    String target = node == -2 ? "media path" : node < 0 ? "postgres" : "node-" + (node + 1);
    history.add(History.record("fault").put("phase", phase).put("name", name).put("class", cls).put("target", target));
    say(phase.equals("start") ? name + " " + target : name + " " + target + " over");
  }

  private void capacity(String phase, int node) {
    history.add(History.record("capacity").put("phase", phase).put("node", "node-" + (node + 1)));
    say("node-" + (node + 1) + (phase.equals("back") ? " serving again" : " gone"));
  }

  private int roomHost() throws InterruptedException {
    for (int attempt = 0; attempt < 40; attempt++) {
      String host = prober.roomHost();
      if (host != null) {
        for (LocalCluster.Node n : cluster.nodes()) {
          if (n.address().equals(host)) {
            return n.index();
          }
        }
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("cannot tell which node hosts room " + roomId);
  }

  private int oldest() throws Exception {
    for (LocalCluster.Node n : targets.healthy()) {
      try {
        String oldest = members(n).path("oldest").asText();
        for (LocalCluster.Node m : cluster.nodes()) {
          if (oldest.endsWith("@" + m.address())) {
            return m.index();
          }
        }
      } catch (IOException e) {
        // ask the next node
      }
    }
    throw new IllegalStateException("no node names the oldest member");
  }

  /** The cluster membership as node {@code n}'s management endpoint reports it. */
  private JsonNode members(LocalCluster.Node n) throws IOException, InterruptedException {
    return rest.get(n.management() + "/cluster/members").body();
  }


  private List<Integer> randomNodes(int count) {
    List<Integer> all = others(List.of());
    java.util.Collections.shuffle(all, random);
    return new ArrayList<>(all.subList(0, count));
  }

  /** A minority of --faulty nodes (at most), none hosting the room. */
  private List<Integer> minorityWithoutRoom() throws InterruptedException {
    List<Integer> rest = others(List.of(roomHost()));
    java.util.Collections.shuffle(rest, random);
    return new ArrayList<>(rest.subList(0, Math.min(options.faulty(), (options.nodes() - 1) / 2)));
  }

  /** The room's node, and the oldest node too when the minority can hold two. */
  private List<Integer> minorityWithRoom() throws Exception {
    List<Integer> minority = new ArrayList<>(List.of(roomHost()));
    int oldest = oldest();
    if ((options.nodes() - 1) / 2 >= 2 && !minority.contains(oldest)) {
      minority.add(oldest);
    }
    return minority;
  }

  private List<Integer> others(List<Integer> except) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < options.nodes(); i++) {
      if (!except.contains(i)) {
        out.add(i);
      }
    }
    return out;
  }

  // ---- the end ----------------------------------------------------------------------------------

  private void healAll() throws Exception {
    synchronized (paused) {
      for (int i : paused) {
        cluster.resume(i);
      }
      paused.clear();
    }
    if (lab != null) {
      lab.heal();
    }
    if (postgres != null) {
      postgres.start();
    }
    for (LocalCluster.Node n : cluster.nodes()) {
      if (!n.process().isAlive()) {
        restart(n.index());
      }
    }
    cluster.awaitReady(Duration.ofSeconds(120));
  }

  private void stopLoad() throws InterruptedException {
    buyers.stop();
    long until = System.currentTimeMillis() + 30_000;
    while (buyers.busy() > 0 && System.currentTimeMillis() < until) {
      Thread.sleep(200);
    }
    synchronized (viewers) {
      viewers.forEach(RecordingViewer::stop);
    }
    prober.stop();
    if (!mediaPlayers.isEmpty()) {
      recordMedia();
      stopMedia();
    }
    Thread.sleep(500);
  }

  private void readFinals() throws Exception {
    List<String> all;
    synchronized (sales) {
      all = new ArrayList<>(sales);
    }
    for (String saleId : all) {
      JsonNode orders = null;
      long until = System.currentTimeMillis() + 60_000;
      while (orders == null && System.currentTimeMillis() < until) {
        try {
          RestClient.Response r = rest.get(targets.any(random).http() + "/api/rooms/" + roomId + "/orders?saleId="
              + saleId);
          if (r.status() == 200) {
            orders = r.body().path("orders");
          } else if (r.status() == 404 && r.body().path("code").asText().equals("UNKNOWN_SALE")) {
            orders = History.JSON.createArrayNode(); // an announcement that never landed: no orders
          }
        } catch (IOException e) {
          // try again
        }
        if (orders == null) {
          Thread.sleep(500);
        }
      }
      if (orders != null) {
        var rec = History.record("final").put("saleId", saleId);
        rec.set("orders", orders);
        history.add(rec);
      }
    }
  }

  /** Stops everything this run started; safe to call twice (the Ctrl-C hook and the normal end). */
  private synchronized void teardown() {
    timer.shutdownNow();
    stopMedia();
    if (cluster != null) {
      synchronized (paused) {
        for (int i : paused) {
          try {
            cluster.resume(i);
          } catch (Exception ignored) {
            // it is killed next anyway
          }
        }
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
        mergeActivity();
        history.close();
      } catch (IOException e) {
        System.err.println("could not finish the history: " + e.getMessage());
      }
      history = null;
    }
  }

  private void mergeActivity() throws IOException {
    for (int i = 0; i < options.nodes(); i++) {
      Path f = dir.resolve("activity-node-" + (i + 1) + ".jsonl");
      if (!Files.exists(f)) {
        continue;
      }
      for (String line : Files.readAllLines(f)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode a = History.JSON.readTree(line);
          var rec = History.record("activity", a.path("t").asLong());
          a.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("t")) {
              rec.set(e.getKey(), e.getValue());
            }
          });
          history.add(rec);
        } catch (IOException e) {
          // a line cut short by a kill: the node died writing it
        }
      }
    }
  }

  private void sleepUntil(long when) throws InterruptedException {
    long ms = when - System.currentTimeMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  private void say(String what) {
    long t = startedAt == 0 ? 0 : (System.currentTimeMillis() - startedAt) / 1000;
    log.println("[" + scenario.id() + " +" + t + "s] " + what);
  }
}
