package io.shardcast.bench;

import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.ChatLoad;
import io.shardcast.testkit.load.LatencyRecorder;
import io.shardcast.testkit.load.LeanViewers;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.load.Viewer;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code shardcast bench saleopen}: is "3, 2, 1, link is live!" fair? Viewers spread over the
 * nodes, chat flowing, a series of flash sales; for every viewer and sale, how long after the
 * announced {@code revealAt} the {@code saleOpen} arrived (and whether any arrived before it).
 */
@Command(name = "saleopen", mixinStandardHelpOptions = true,
    description = "Spread of sale-open arrival over viewers on every node, relative to revealAt.")
public final class SaleOpenBench implements Callable<Integer> {

  @ParentCommand
  BenchCommand bench;

  @Option(names = "--viewers", defaultValue = "10000") int viewers;
  @Option(names = "--nodes", defaultValue = "3") int nodes;
  @Option(names = "--sales", defaultValue = "5") int sales;
  @Option(names = "--reveal-in-ms", defaultValue = "3000", description = "time from announcing a sale to its opening")
  int revealInMs;
  @Option(names = "--comments-per-second", defaultValue = "200") int commentsPerSecond;
  @Option(names = "--likes-per-second", defaultValue = "5000") int likesPerSecond;
  @Option(names = "--client-threads", defaultValue = "4") int clientThreads;

  @Override
  public Integer call() throws Exception {
    if (viewers < 1 || nodes < 1 || sales < 1 || revealInMs < 0 || clientThreads < 1 || commentsPerSecond < 0
        || likesPerSecond < 0) {
      System.err.println("bench saleopen: --viewers, --nodes, --sales, --client-threads must be >= 1, the rest >= 0");
      return 2;
    }
    Path dir = Files.createTempDirectory("shardcast-bench-saleopen");
    try (LocalCluster cluster = LocalCluster.start(bench.nodes(), nodes, dir, 0, List.of("-Xms2g", "-Xmx2g", LocalCluster.FIXED_SIZE), List.of())) {
      cluster.awaitReady(Duration.ofSeconds(180));
      RoomScript room = new RoomScript(cluster.node(0).http()).create("sale-open bench");
      room.host("products", RoomScript.body().put("productId", "p").put("name", "Phone").put("priceCents", 99900)
          .put("stock", 1_000_000));
      int senders = ChatLoad.sendersFor(viewers, commentsPerSecond, likesPerSecond);
      HttpClient ws = HttpClient.newHttpClient();
      List<Viewer> audience = new ArrayList<>();
      for (int j = 0; j < senders; j++) {
        audience.add(new Viewer("s" + j, null, false).connect(ws, cluster.node(j % nodes).ws(), room.roomId(), -1).get());
      }
      try (LeanViewers lean = new LeanViewers(new LatencyRecorder(), clientThreads)) {
        for (int j = senders; j < viewers; j++) {
          lean.connect(cluster.node(j % nodes).ws(), room.roomId(), "v" + j);
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (lean.openCount() < viewers - senders && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        ChatLoad chat = new ChatLoad(audience, commentsPerSecond, likesPerSecond);
        chat.drive(10); // warm-up
        lean.saleOpenDelay().reset();
        for (int s = 0; s < sales; s++) {
          room.host("flash-sales", RoomScript.body().put("saleId", "sale-" + s).put("productId", "p").put("quantity", 10)
              .put("perUserLimit", 1).put("revealInMs", revealInMs));
          chat.drive(revealInMs / 1000.0 + 2);
        }
        Thread.sleep(1000);
        LatencyRecorder delay = lean.saleOpenDelay();
        long[] range = lean.saleOpenRange();
        long expected = (long) sales * lean.openCount();
        System.out.printf("viewers %d over %d nodes (%d receive-only measured), %d sales announced %d ms ahead, "
            + "chat %d comments/s and %d likes/s%n", viewers, nodes, lean.openCount(), sales, revealInMs,
            commentsPerSecond, likesPerSecond);
        System.out.printf("saleOpen received %d of %d; before revealAt: %d%n", delay.count(), expected,
            lean.saleOpenEarly());
        System.out.printf("after revealAt: first +%d ms, p50 +%d ms, p99 +%d ms, last +%d ms%n", range[0],
            delay.quantile(0.5), delay.quantile(0.99), range[1]);
        audience.forEach(Viewer::close);
        return lean.saleOpenEarly() == 0 && delay.count() == expected ? 0 : 1;
      }
    }
  }
}
