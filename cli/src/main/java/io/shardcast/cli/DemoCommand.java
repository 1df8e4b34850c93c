package io.shardcast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.cluster.NodeProgram;
import io.shardcast.testkit.load.LatencyRecorder;
import io.shardcast.testkit.load.LeanViewers;
import io.shardcast.testkit.load.RestClient;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.load.Viewer;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardcast demo}: a local cluster of node processes with a warm standby, a sample room, a
 * spike of simulated viewers that makes the autoscaler activate the standby and start new node
 * processes, chat and likes, a flash sale with far more buyers than stock, and the scale-in once
 * the spike is over, with the autoscaler's decisions printed as they happen.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a local elastic cluster with a live room, a viewer spike and a flash sale; Ctrl-C stops everything.")
public final class DemoCommand implements Callable<Integer> {

  /** Viewers of the spike asking /join and connecting at once: arrivals keep their schedule on a busy machine. */
  private static final int ARRIVAL_THREADS = 16;
  /** How much later than announced the spike's last viewer may connect and the spike still count as on time. */
  private static final int SPIKE_GRACE_SECONDS = 3;
  /** What a cold start (decision to serving) should take on capacity of its own. */
  private static final int COLD_START_TARGET_SECONDS = 15;

  @Option(names = "--nodes", defaultValue = "2", description = "Active node processes at the start (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--standby", defaultValue = "1", description = "Warm standby processes at the start (default ${DEFAULT-VALUE}).")
  int standby;

  @Option(names = "--max-nodes", defaultValue = "5", description = "Most node processes the autoscaler may run (default ${DEFAULT-VALUE}).")
  int maxNodes;

  @Option(names = "--safe-viewers", defaultValue = "500",
      description = "Viewers one node may safely hold, for the autoscaler (default ${DEFAULT-VALUE}: low, so a spike this machine holds needs more nodes).")
  int safeViewers;

  @Option(names = "--viewers", defaultValue = "2000", description = "Viewers in the spike (default ${DEFAULT-VALUE}).")
  int viewers;

  @Option(names = "--spike-seconds", defaultValue = "30", description = "Seconds over which the spike arrives (default ${DEFAULT-VALUE}).")
  int spikeSeconds;

  @Option(names = "--chatters", defaultValue = "100", description = "Viewers among them who comment and like (default ${DEFAULT-VALUE}).")
  int chatters;

  @Option(names = "--buyers", defaultValue = "5000", description = "Buyers racing for the sale (default ${DEFAULT-VALUE}).")
  int buyers;

  @Option(names = "--stock", defaultValue = "100", description = "Units on flash sale (default ${DEFAULT-VALUE}).")
  int stock;

  @Option(names = "--comments-per-second", defaultValue = "10",
      description = "Comments (and as many likes) per second from the chatters during the spike and the chat (default ${DEFAULT-VALUE}).")
  double commentsPerSecond;

  @Option(names = "--chat-seconds", defaultValue = "10", description = "Seconds of chat before the sale (default ${DEFAULT-VALUE}).")
  int chatSeconds;

  @Option(names = "--scale-in-seconds", defaultValue = "120",
      description = "Longest wait for the scale-in after the spike (default ${DEFAULT-VALUE}).")
  int scaleInSeconds;

  @Option(names = "--http-port", defaultValue = "8080", description = "Gateway port of node 1; node N uses port+N-1, and its viewer sockets port+100+N-1.")
  int httpPort;

  @Option(names = "--data-dir", defaultValue = "data/demo", description = "Journal and node logs (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--exit", description = "Stop the cluster after the summary instead of keeping it up.")
  boolean exit;

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || standby < 0 || maxNodes < nodes + standby || safeViewers < 1 || viewers < 0 || chatters < 0
        || spikeSeconds < 1 || buyers < 0 || stock < 1 || chatSeconds < 0 || scaleInSeconds < 0
        || !(commentsPerSecond >= 0 && commentsPerSecond <= 1000)) {
      System.err.println("demo: --nodes, --stock, --safe-viewers, --spike-seconds must be >= 1; --max-nodes >= "
          + "--nodes + --standby; --standby, --viewers, --chatters, --buyers, --chat-seconds, --scale-in-seconds >= 0;"
          + " --comments-per-second 0..1000");
      return 2;
    }
    Path dir = dataDir.toAbsolutePath();
    Files.createDirectories(dir);
    Path conf = dir.resolve("demo.conf");
    // The demo's autoscaler: a low safe load so the spike needs nodes, and a short scale-in window.
    Files.writeString(conf, String.join("\n",
        "shardcast.autoscaler {",
        "  min-active = " + nodes,
        "  max-nodes = " + maxNodes,
        "  min-standby = " + Math.min(1, standby),
        "  safe-load.viewers = " + safeViewers,
        "  scale-in { window = 20s, step = 5s }",
        "  panic.hold = 20s",
        "}", ""));
    List<String> nodeArgs = List.of("--config", conf.toString(), "--scaler", "local");
    List<String> jvm = List.of("-Xms256m", "-Xmx1g");
    say("starting %d active node(s) and %d standby (H2 journal in %s, logs there)...", nodes, standby, dir);
    long t0 = System.nanoTime();
    long t0Millis = System.currentTimeMillis();
    try (LocalCluster cluster = LocalCluster.start(NodeProgram.of(Shardcast.class), nodes, dir, httpPort, jvm, nodeArgs)) {
      for (int i = 0; i < standby; i++) {
        List<String> args = new ArrayList<>(nodeArgs);
        args.addAll(List.of("--role", "standby"));
        cluster.add(args);
      }
      cluster.awaitReady(Duration.ofSeconds(180));
      String gateway = cluster.node(0).http();
      say("cluster ready in %.1f s: gateways %s", (System.nanoTime() - t0) / 1e9,
          cluster.nodes().stream().map(LocalCluster.Node::http).collect(Collectors.joining(" ")));
      RestClient rest = new RestClient();
      MachineCpu cpu = new MachineCpu();
      cpu.start();
      Decisions decisions = new Decisions(rest, cluster.opsToken(), () -> liveGateway(cluster, rest, cluster.node(0).http()), t0Millis, cpu);
      decisions.start();

      RoomScript room = new RoomScript(gateway).create("Spring skincare live");
      room.host("products", RoomScript.body().put("productId", "serum").put("name", "Vitamin C serum")
          .put("priceCents", 2999).put("stock", 5000));
      room.host("products", RoomScript.body().put("productId", "mask").put("name", "Sheet mask x10")
          .put("priceCents", 1299).put("stock", 800));
      room.host("pin", RoomScript.body().put("productId", "serum"));
      room.host("coupons", RoomScript.body().put("couponId", "welcome").put("productId", "serum")
          .put("discountCents", 500).put("count", 1000));
      say("room %s created on node %s", room.roomId(), room.snapshot().path("node").asText());
      // The host goes on camera: ffmpeg publishes a test pattern to the first node over RTMP, when installed.
      String publishUrl = cluster.node(0).rtmp() + "/" + room.roomId() + "?token=" + room.hostToken();
      Process camera = null;
      if (io.shardcast.testkit.media.Ffmpeg.ffmpeg().isPresent()) {
        camera = io.shardcast.testkit.media.Ffmpeg.publishRtmp(publishUrl, "640x360", 25, 50, "600k",
            dir.resolve("camera.log"));
        say("the host is on camera: ffmpeg publishes a test pattern to %s (%s)", cluster.node(0).rtmp(),
            io.shardcast.testkit.media.Ffmpeg.origin());
      } else {
        say("the room has no video, %s (publish to %s with OBS or ffmpeg)",
            io.shardcast.testkit.media.Ffmpeg.origin(), publishUrl);
      }

      // Chatters: full clients that comment, like, and check every event they get.
      LatencyRecorder latency = new LatencyRecorder();
      HttpClient[] ws = new HttpClient[4];
      for (int i = 0; i < ws.length; i++) {
        ws[i] = HttpClient.newHttpClient();
      }
      List<Viewer> audience = new ArrayList<>();
      List<CompletableFuture<Viewer>> joining = new ArrayList<>();
      for (int j = 0; j < chatters; j++) {
        Viewer v = new Viewer("chatter-" + j, latency, false);
        joining.add(v.connect(ws[j % ws.length], room.joinBase(), room.roomId(), -1));
      }
      for (CompletableFuture<Viewer> f : joining) {
        try {
          audience.add(f.get());
        } catch (Exception e) {
          say("a chatter could not connect: %s", e.getMessage());
        }
      }

      // The spike: each viewer asks /join where to connect, as a real client does.
      say("");
      say("==== the spike: %d viewers in %d s (a node may safely hold %d) ====", viewers, spikeSeconds, safeViewers);
      ExecutorService arrivals = Executors.newFixedThreadPool(ARRIVAL_THREADS, r -> {
        Thread t = new Thread(r, "demo-arrival");
        t.setDaemon(true);
        return t;
      });
      // The crowd's two threads look at their sockets every 2 ms rather than waking for each message:
      // on two cores shared with the nodes, the wake-ups cost more than the reads (bench fanout).
      try (LeanViewers crowd = new LeanViewers(latency, 2, 2)) {
        crowd.resolveWith(r -> room.joinBase());
        long spikeStart = System.nanoTime();
        long lastReport = 0;
        Map<String, Integer> placed = new ConcurrentSkipListMap<>();
        AtomicInteger arrivalFailures = new AtomicInteger();
        ChatPacer pacer = new ChatPacer(audience, commentsPerSecond);
        // Each viewer arrives on schedule, whatever the one before it is still waiting for: it asks
        // /join where to connect and connects there, as a real client does, on its own.
        for (int i = 0; i < viewers; i++) {
          String user = "viewer-" + i;
          arrivals.execute(() -> {
            try {
              String base = joinBase(room);
              placed.merge(base, 1, Integer::sum);
              crowd.connect(base, room.roomId(), user);
            } catch (Exception e) {
              if (arrivalFailures.getAndIncrement() == 0) {
                say("  a viewer could not arrive: %s", e.getMessage());
              }
            }
          });
          long due = spikeStart + (long) ((i + 1) * (spikeSeconds * 1e9 / Math.max(1, viewers)));
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          if (System.currentTimeMillis() - lastReport > 5000) {
            lastReport = System.currentTimeMillis();
            say("  %5d viewers connected; joins placed so far: %s", crowd.openCount(), placed);
          }
          pacer.catchUp();
        }
        long settle = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < settle && crowd.openCount() + crowd.gaveUp() + arrivalFailures.get() < viewers) {
          Thread.sleep(50); // those refused while a node was busy retry through /join
        }
        double spikeTook = (System.nanoTime() - spikeStart) / 1e9;
        boolean spikeOnTime = crowd.openCount() == viewers && spikeTook <= spikeSeconds + SPIKE_GRACE_SECONDS;
        arrivals.shutdown();
        int connectedAtSpike = (int) crowd.openCount();
        say("  %5d viewers connected in %.1f s; joins placed: %s", connectedAtSpike, spikeTook, placed);
        say("  nodes now: %s", decisions.nodesLine());

        say("chat and likes for %d s...", chatSeconds);
        long chatEnd = System.currentTimeMillis() + chatSeconds * 1000L;
        while (System.currentTimeMillis() < chatEnd && !audience.isEmpty()) {
          pacer.catchUp();
          Thread.sleep(50);
        }

        long revealAt = System.currentTimeMillis() + 5000;
        room.host("flash-sales", RoomScript.body().put("saleId", "flash-1").put("productId", "serum")
            .put("quantity", stock).put("perUserLimit", 1).put("revealAt", revealAt));
        say("flash sale announced: %d units open in 5 s; %d buyers are waiting...", stock, buyers);
        for (int s = 3; s >= 1; s--) {
          Thread.sleep(Math.max(0, revealAt - (s * 1000L) - System.currentTimeMillis()));
          say("  %d...", s);
        }
        Thread.sleep(Math.max(0, revealAt - System.currentTimeMillis()));
        say("  link is live!");
        List<String> buyAt = decisions.activeGateways();
        RoomScript.Race race = room.buy(buyAt.isEmpty() ? List.of(gateway) : buyAt, "flash-1", buyers, buyers, 256,
            "demo");
        Thread.sleep(1000);
        var orders = room.confirmedOrders("flash-1");
        long confirmed = race.results().getOrDefault("CONFIRMED", 0L);
        long listed = orders.path("orders").size();
        long[] opens = audience.stream().mapToLong(Viewer::saleOpenAtMillis).filter(x -> x > 0).sorted().toArray();
        long[] acks = race.ackMillis().clone();
        Arrays.sort(acks);
        int peakNodes = decisions.peakServing();

        say("");
        say("==== the spike is over: %d%% of the viewers leave ====", 80);
        long connectedAtPeak = crowd.openCount();
        int left = crowd.leave((int) (connectedAtPeak * 0.8));
        say("  %d viewers left; %d stay", left, crowd.openCount());
        long until = System.currentTimeMillis() + scaleInSeconds * 1000L;
        int servingAtPeak = decisions.serving();
        while (System.currentTimeMillis() < until && decisions.serving() > nodes) {
          chat(audience, 2);
          Thread.sleep(500);
        }
        Thread.sleep(2000);
        say("  nodes now: %s", decisions.nodesLine());
        String endGateway = liveGateway(cluster, rest, gateway);
        room.useGateway(endGateway);
        room.host("announcements", RoomScript.body().put("text", "thanks for watching!"));
        long lastSeq = room.snapshot().path("seq").asLong();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && (crowd.countAtLeast(lastSeq) < crowd.openCount()
            || crowd.openCount() + crowd.gaveUp() + crowd.lost() < connectedAtPeak - left)) {
          Thread.sleep(200); // viewers still moving settle
        }
        decisions.stopPrinting();
        cpu.stopSampling();

        long outOfOrder = audience.stream().mapToLong(Viewer::outOfOrder).sum() + crowd.outOfOrder();
        long moved = audience.stream().mapToLong(Viewer::moves).sum() + crowd.reconnects();
        say("");
        say("==== summary ====");
        say("spike                     %d viewers announced over %d s: %d connected in %.1f s (%s), placed by /join: %s",
            viewers, spikeSeconds, connectedAtSpike, spikeTook, spikeOnTime ? "on time" : "LATE", placed);
        say("capacity                  serving nodes %d at the start, %d at the peak, %d after the scale-in",
            nodes, Math.max(peakNodes, servingAtPeak), decisions.serving());
        say("standby activations       %s", decisions.startups("activation"));
        say("cold starts (new nodes)   %s", decisions.startups("cold-start"));
        if (decisions.slowest("cold-start") > COLD_START_TARGET_SECONDS) {
          // A node needs about 5 CPU-seconds to start and join; here it gets a share of two cores that
          // the spike it was started for keeps busy (docs/decisions/demo-cold-starts-on-two-cores.md).
          say("                          over %d s: this machine's CPUs were busy with the spike; a new node on its own"
              + " cores serves in about 3.5 s (docs/decisions/demo-cold-starts-on-two-cores.md)", COLD_START_TARGET_SECONDS);
        }
        say("viewers moved by hints    %d (drained or shed); still connected %d of %d; the last event reached %d of"
            + " them; out of order or repeated %d", moved, crowd.openCount(), connectedAtPeak - left,
            crowd.countAtLeast(lastSeq), outOfOrder);
        say("connection attempts refused %d (node busy or not serving: retried via /join), viewers who gave up %d,"
            + " cut off without a hint %d, resumed from a snapshot instead of their seq %d", crowd.refused(),
            crowd.gaveUp(), crowd.lost(), crowd.resumeSnapshots());
        say("chat sampled under load   %d seq holes seen by viewers (chat only: commerce and system events are never"
            + " dropped; see README)", crowd.gaps());
        say("comment -> viewer latency p50 %d ms, p99 %d ms (%d samples)", latency.quantile(0.5),
            latency.quantile(0.99), latency.count());
        if (opens.length > 0) {
          say("sale open reached         %d chatters, first %+d ms / last %+d ms from revealAt", opens.length,
              opens[0] - revealAt, opens[opens.length - 1] - revealAt);
        }
        say("orders answered           %s, transport failures %d", race.results(), race.failures());
        if (acks.length > 0) {
          say("order ack latency         p50 %d ms, p99 %d ms", acks[acks.length / 2], acks[(int) (acks.length * 0.99)]);
        }
        say("confirmed = stock         %d confirmed, %d in the order list, stock %d -> %s", confirmed, listed, stock,
            confirmed == stock && listed == stock ? "yes, no oversell" : "NO");
        say("");
        say("the room: REST  %s/api/rooms/%s", endGateway, room.roomId());
        say("          join  %s/api/rooms/%s/join (where a viewer should connect)", endGateway, room.roomId());
        say("          host token %s", room.hostToken());
        say("          metrics %s/metrics", endGateway);
        say("          ops  ./shardcast ops status --server %s --token %s", endGateway, cluster.opsToken());
        say("          pages  %s/live/%s (viewer)  %s/host/%s#token=%s (host console)  %s/ops#token=%s (ops dashboard)",
            endGateway, room.roomId(), endGateway, room.roomId(), room.hostToken(), endGateway, cluster.opsToken());
        say("          viewers are ANONYMOUS in the demo (any userId; docs/security.md for platform tokens)");
        say("          node logs  %s", dir);
        // Watch from another node than the origin (node 1) that serves after the scale-in (a node
        // still draining is alive for a few seconds more, then gone).
        LocalCluster.Node watchAt = cluster.node(0);
        for (JsonNode n : rest.get(endGateway + "/api/autoscaler", cluster.opsToken()).body().path("nodes")) {
          LocalCluster.Node serving = n.path("role").asText().equals("ACTIVE") ? cluster.byAddress(n.path("node").asText()) : null;
          if (serving != null && serving.index() > 0 && serving.process().isAlive()) {
            watchAt = serving;
          }
        }
        boolean videoOk = false;
        if (camera == null) {
          say("no video viewer: the room had no camera (%s)", io.shardcast.testkit.media.Ffmpeg.origin());
        } else {
          io.shardcast.testkit.media.Ffmpeg.Decoded seen = io.shardcast.testkit.media.Ffmpeg.decode(
              watchAt.media() + "/live/" + room.roomId() + ".flv", 3, dir, "demo-viewer");
          say("a video viewer on node %d decoded %d frames in 3 s over HTTP-FLV%s", watchAt.index() + 1,
              seen.videoFrames(), seen.clean() ? ", without an error" : ": " + seen.errors().strip());
          videoOk = seen.clean() && seen.videoFrames() > 0;
        }
        JsonNode route = rest.get(endGateway + "/api/rooms/" + room.roomId() + "/media", cluster.opsToken()).body();
        say("the video: %s (origin %s, relayed to %s)", route.path("live").asBoolean() ? "live" : "not live",
            route.path("origin").asText("-"), route.path("subscribers"));
        say("          publish   %s", publishUrl);
        say("          watch     ffplay %s/live/%s.flv   (or rtmp: %s/%s), from any node", watchAt.media(),
            room.roomId(), watchAt.rtmp(), room.roomId());
        say("          in a browser  %s/live/%s   (the viewer page, on any node's gateway)", watchAt.http(),
            room.roomId());
        audience.forEach(Viewer::close);
        boolean ok = videoOk && spikeOnTime && confirmed == stock && listed == stock && outOfOrder == 0 && crowd.lost() == 0
            && crowd.gaveUp() == 0 && crowd.resumeSnapshots() == 0
            && crowd.countAtLeast(lastSeq) == crowd.openCount() && crowd.openCount() == connectedAtPeak - left;
        if (!exit) {
          say("the cluster keeps running; Ctrl-C stops every process the demo started.");
          Thread.currentThread().join();
        }
        if (camera != null) {
          camera.destroyForcibly();
        }
        return ok ? 0 : 1;
      }
    }
  }

  /** Chatters comment and like at a steady rate, however often it is asked to catch up. */
  private static final class ChatPacer {
    private final List<Viewer> audience;
    private final double perSecond;
    private final long startNanos = System.nanoTime();
    private long sent;

    ChatPacer(List<Viewer> audience, double perSecond) {
      this.audience = audience;
      this.perSecond = perSecond;
    }

    void catchUp() {
      long due = (long) ((System.nanoTime() - startNanos) / 1e9 * perSecond);
      if (due > sent) {
        chat(audience, (int) (due - sent));
        sent = due;
      }
    }
  }

  private static void chat(List<Viewer> audience, int comments) {
    if (audience.isEmpty()) {
      return;
    }
    for (int k = 0; k < comments; k++) {
      audience.get(ThreadLocalRandom.current().nextInt(audience.size())).comment("love it");
      audience.get(ThreadLocalRandom.current().nextInt(audience.size())).like(5);
    }
  }

  /** {@code preferred} while it answers, else the first live gateway of the cluster that does. */
  private static String liveGateway(LocalCluster cluster, RestClient rest, String preferred) {
    List<String> candidates = new ArrayList<>(List.of(preferred));
    candidates.addAll(cluster.liveGateways());
    for (String g : candidates) {
      try {
        if (rest.get(g + "/api/cluster", cluster.opsToken()).status() == 200) {
          return g;
        }
      } catch (Exception e) {
        // gone: the next
      }
    }
    return preferred;
  }

  /** {@code /join} for the next viewer, asked again (three times in all) when the gateway is busy. */
  private static String joinBase(RoomScript room) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return room.joinBase();
      } catch (IllegalStateException e) {
        if (attempt == 3) {
          throw e;
        }
        Thread.sleep(200L * attempt);
      }
    }
  }

  /** Prints the autoscaler's decisions and measured start-ups as they happen. */
  private static final class Decisions extends Thread {
    private final RestClient rest;
    private final String opsToken;
    private final java.util.function.Supplier<String> gateways;
    private String gateway;
    private final long startMillis;
    private volatile boolean running = true;
    private volatile JsonNode last;
    private volatile int peakServing;
    private long printedUpTo;
    private long startupsPrintedUpTo;
    /** Every start-up measured (a singleton that moved starts its own list). */
    private final List<JsonNode> measured = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final MachineCpu cpu;

    Decisions(RestClient rest, String opsToken, java.util.function.Supplier<String> gateways, long startMillis,
        MachineCpu cpu) {
      super("demo-decisions");
      this.opsToken = opsToken;
      this.cpu = cpu;
      this.startMillis = startMillis;
      setDaemon(true);
      this.rest = rest;
      this.gateways = gateways;
      this.gateway = gateways.get();
    }

    @Override
    public void run() {
      while (running) {
        try {
          JsonNode s = rest.get(gateway + "/api/autoscaler", opsToken).body();
          last = s;
          peakServing = Math.max(peakServing, serving());
          for (JsonNode p : s.path("timeline")) {
            long at = p.path("at").asLong();
            if (at > printedUpTo && p.path("actions").size() > 0) {
              printedUpTo = at;
              List<String> actions = new ArrayList<>();
              p.path("actions").forEach(a -> actions.add(a.asText().replace("pekko://shardcast@", "")));
              say("  [+%5.1fs] autoscaler: %s  <- %s", (at - startMillis) / 1000.0, String.join(", ", actions),
                  p.path("reason").asText());
            }
          }
          for (JsonNode u : s.path("startups")) {
            long at = u.path("at").asLong();
            if (at > startupsPrintedUpTo) {
              startupsPrintedUpTo = at;
              measured.add(u);
              say("  [+%5.1fs] %s serving: %s in %.2f s (decision to serving%s)", (at - startMillis) / 1000.0,
                  u.path("node").asText().replace("pekko://shardcast@", ""), u.path("kind").asText(),
                  u.path("seconds").asDouble(), u.path("kind").asText().equals("cold-start") ? busyMeanwhile(u) : "");
            }
          }
        } catch (Exception e) {
          // the singleton moving, the node busy, or its gateway gone: try again, maybe elsewhere
          gateway = gateways.get();
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stopPrinting() {
      running = false;
    }

    int serving() {
      JsonNode s = last;
      int n = 0;
      if (s != null) {
        for (JsonNode node : s.path("nodes")) {
          n += node.path("role").asText().equals("ACTIVE") && node.path("counted").asBoolean() ? 1 : 0;
        }
      }
      return n;
    }

    int peakServing() {
      return peakServing;
    }

    /** Where buyers send orders: the viewer listeners of the serving nodes (they take orders too). */
    List<String> activeGateways() {
      JsonNode s = last;
      List<String> out = new ArrayList<>();
      if (s != null) {
        for (JsonNode node : s.path("nodes")) {
          if (node.path("role").asText().equals("ACTIVE")) {
            out.add(node.path("viewerBase").asText());
          }
        }
      }
      return out;
    }

    String nodesLine() {
      JsonNode s = last;
      if (s == null) {
        return "(no report yet)";
      }
      List<String> out = new ArrayList<>();
      for (JsonNode node : s.path("nodes")) {
        out.add(node.path("node").asText().replace("pekko://shardcast@127.0.0.1:", ":") + " "
            + node.path("role").asText() + " " + node.path("viewers").asInt() + " viewers");
      }
      return String.join("; ", out);
    }

    String startups(String kind) {
      List<String> out = new ArrayList<>();
      for (JsonNode u : measured) {
        if (u.path("kind").asText().equals(kind)) {
          String busy = kind.equals("cold-start") ? busyMeanwhile(u) : "";
          out.add(String.format("%.2f s%s", u.path("seconds").asDouble(),
              busy.isEmpty() ? "" : " (" + busy.substring(", ".length()) + ")"));
        }
      }
      return out.isEmpty() ? "none" : out.size() + ": " + String.join(", ", out);
    }

    /** The slowest start-up of a kind, in seconds (0 when none). */
    double slowest(String kind) {
      double max = 0;
      for (JsonNode u : measured) {
        if (u.path("kind").asText().equals(kind)) {
          max = Math.max(max, u.path("seconds").asDouble());
        }
      }
      return max;
    }

    /**
     * How busy this machine's CPUs were from a start-up's decision to its serving, as {@code ", CPUs N%
     * busy meanwhile"}: a slow start's context; empty when no second was sampled in between.
     */
    private String busyMeanwhile(JsonNode startup) {
      long servedAt = startup.path("at").asLong();
      double busy = cpu.busyBetween(servedAt - (long) (startup.path("seconds").asDouble() * 1000), servedAt);
      return busy < 0 ? "" : String.format(", CPUs %.0f%% busy meanwhile", busy * 100);
    }
  }

  private static void say(String format, Object... args) {
    System.out.printf(format + "%n", args);
    System.out.flush();
  }
}
