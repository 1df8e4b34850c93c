package io.shardcast.cli;

import io.shardcast.cli.load.LatencyRecorder;
import io.shardcast.cli.load.LocalCluster;
import io.shardcast.cli.load.RoomScript;
import io.shardcast.cli.load.Viewer;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardcast demo}: a local cluster of node processes, a sample room, thousands of simulated
 * viewers who comment and like, and a flash sale with far more buyers than stock.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a local cluster with a live room, viewers and a flash sale; Ctrl-C stops everything.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--nodes", defaultValue = "3", description = "Node processes (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--viewers", defaultValue = "3000", description = "Simulated viewers (default ${DEFAULT-VALUE}).")
  int viewers;

  @Option(names = "--buyers", defaultValue = "5000", description = "Buyers racing for the sale (default ${DEFAULT-VALUE}).")
  int buyers;

  @Option(names = "--stock", defaultValue = "100", description = "Units on flash sale (default ${DEFAULT-VALUE}).")
  int stock;

  @Option(names = "--chat-seconds", defaultValue = "15", description = "Seconds of chat before the sale (default ${DEFAULT-VALUE}).")
  int chatSeconds;

  @Option(names = "--http-port", defaultValue = "8080", description = "Gateway port of node 1; node N uses port+N-1, and its viewer sockets port+100+N-1.")
  int httpPort;

  @Option(names = "--data-dir", defaultValue = "data/demo", description = "Journal and node logs (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--exit", description = "Stop the cluster after the summary instead of keeping it up.")
  boolean exit;

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || viewers < 0 || buyers < 0 || stock < 1 || chatSeconds < 0) {
      System.err.println("demo: --nodes and --stock must be >= 1; --viewers, --buyers, --chat-seconds >= 0");
      return 2;
    }
    say("starting %d nodes (H2 journal in %s, logs node-N.log there)...", nodes, dataDir.toAbsolutePath());
    try (LocalCluster cluster = LocalCluster.start(nodes, dataDir.toAbsolutePath(), httpPort,
        List.of("-Xms256m", "-Xmx1g"), List.of())) {
      long t0 = System.nanoTime();
      cluster.awaitReady(Duration.ofSeconds(180));
      say("cluster ready in %.1f s: %s", (System.nanoTime() - t0) / 1e9,
          cluster.nodes().stream().map(LocalCluster.Node::http).collect(Collectors.joining(" ")));
      List<String> gateways = cluster.nodes().stream().map(LocalCluster.Node::http).toList();

      RoomScript room = new RoomScript(gateways.get(0)).create("Spring skincare live");
      room.host("products", "{\"productId\":\"serum\",\"name\":\"Vitamin C serum\",\"priceCents\":2999,\"stock\":5000}");
      room.host("products", "{\"productId\":\"mask\",\"name\":\"Sheet mask x10\",\"priceCents\":1299,\"stock\":800}");
      room.host("pin", "{\"productId\":\"serum\"}");
      room.host("coupons", "{\"couponId\":\"welcome\",\"productId\":\"serum\",\"discountCents\":500,\"count\":1000}");
      say("room %s created on node %s", room.roomId(), room.snapshot().path("node").asText());

      LatencyRecorder latency = new LatencyRecorder();
      // The JDK client reads all of an HttpClient's sockets on one selector thread: use several.
      HttpClient[] ws = new HttpClient[4];
      for (int i = 0; i < ws.length; i++) {
        ws[i] = HttpClient.newHttpClient();
      }
      List<Viewer> audience = new ArrayList<>();
      for (int i = 0; i < viewers; i += 200) {
        List<CompletableFuture<Viewer>> batch = new ArrayList<>();
        for (int j = i; j < Math.min(viewers, i + 200); j++) {
          Viewer v = new Viewer("viewer-" + j, latency, false);
          batch.add(v.connect(ws[j % ws.length], cluster.node(j % nodes).ws(), room.roomId(), -1));
        }
        for (CompletableFuture<Viewer> f : batch) {
          try {
            audience.add(f.get());
          } catch (Exception e) {
            say("a viewer could not connect: %s", e.getMessage());
          }
        }
        say("viewers connected: %d/%d", audience.size(), viewers);
      }

      say("chat and likes for %d s...", chatSeconds);
      long chatEnd = System.currentTimeMillis() + chatSeconds * 1000L;
      long comments = 0;
      long likes = 0;
      long lastReport = 0;
      while (System.currentTimeMillis() < chatEnd && !audience.isEmpty()) {
        for (int k = 0; k < 10; k++) {
          audience.get(ThreadLocalRandom.current().nextInt(audience.size())).comment("love it");
          comments++;
        }
        for (int k = 0; k < 20; k++) {
          audience.get(ThreadLocalRandom.current().nextInt(audience.size())).send("{\"type\":\"like\",\"count\":5}");
          likes += 5;
        }
        Thread.sleep(100);
        if (System.currentTimeMillis() - lastReport > 3000) {
          lastReport = System.currentTimeMillis();
          say("  comments sent %d, likes %d, events delivered %d, comment latency p50 %d ms p99 %d ms",
              comments, likes, Viewer.totalReceived(audience), latency.quantile(0.5), latency.quantile(0.99));
        }
      }

      long revealAt = System.currentTimeMillis() + 5000;
      room.host("flash-sales", "{\"saleId\":\"flash-1\",\"productId\":\"serum\",\"quantity\":" + stock
          + ",\"perUserLimit\":1,\"revealAt\":" + revealAt + "}");
      say("flash sale announced: %d units open in 5 s; %d buyers are waiting...", stock, buyers);
      for (int s = 3; s >= 1; s--) {
        Thread.sleep(Math.max(0, revealAt - (s * 1000L) - System.currentTimeMillis()));
        say("  %d...", s);
      }
      Thread.sleep(Math.max(0, revealAt - System.currentTimeMillis()));
      say("  link is live!");
      RoomScript.Race race = room.buy(gateways, "flash-1", buyers, buyers, 256, "demo");
      Thread.sleep(1000);

      var orders = room.confirmedOrders("flash-1");
      long confirmed = race.results().getOrDefault("CONFIRMED", 0L);
      long listed = orders.path("orders").size();
      long[] opens = audience.stream().mapToLong(Viewer::saleOpenAtMillis).filter(x -> x > 0).sorted().toArray();
      long outOfOrder = audience.stream().mapToLong(Viewer::outOfOrder).sum();
      long[] acks = race.ackMillis().clone();
      Arrays.sort(acks);

      say("");
      say("==== summary ====");
      say("viewers connected         %d over %d nodes (%d still open)", audience.size(), nodes,
          audience.stream().filter(Viewer::isOpen).count());
      say("events delivered          %d to viewers; out of order or repeated: %d", Viewer.totalReceived(audience), outOfOrder);
      say("comment -> viewer latency p50 %d ms, p99 %d ms (%d samples)", latency.quantile(0.5),
          latency.quantile(0.99), latency.count());
      if (opens.length > 0) {
        say("sale open reached         %d viewers, first %+d ms / last %+d ms from revealAt", opens.length,
            opens[0] - revealAt, opens[opens.length - 1] - revealAt);
      }
      say("orders answered           %s, transport failures %d", race.results(), race.failures());
      if (acks.length > 0) {
        say("order ack latency         p50 %d ms, p99 %d ms", acks[acks.length / 2], acks[(int) (acks.length * 0.99)]);
      }
      say("confirmed = stock         %d confirmed, %d in the order list, stock %d -> %s", confirmed, listed, stock,
          confirmed == stock && listed == stock ? "yes, no oversell" : "NO");
      say("");
      say("the room: REST  %s/api/rooms/%s", gateways.get(0), room.roomId());
      say("          WS    %s/ws/rooms/%s?user=you", cluster.node(0).ws(), room.roomId());
      say("          host token %s", room.hostToken());
      say("          metrics %s/metrics, cluster %s/api/cluster", gateways.get(0), gateways.get(0));
      say("          autoscaler %s/api/autoscaler, join %s/api/rooms/%s/join", gateways.get(0), gateways.get(0),
          room.roomId());
      audience.forEach(Viewer::close);
      boolean ok = confirmed == stock && listed == stock && outOfOrder == 0;
      if (!exit) {
        say("the cluster keeps running; Ctrl-C stops every process the demo started.");
        Thread.currentThread().join();
      }
      return ok ? 0 : 1;
    }
  }


  private static void say(String format, Object... args) {
    System.out.printf(format + "%n", args);
    System.out.flush();
  }
}
