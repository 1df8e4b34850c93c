package io.shardcast.cli;

import io.shardcast.cli.load.Heap;
import io.shardcast.cli.load.LatencyRecorder;
import io.shardcast.cli.load.LocalCluster;
import io.shardcast.cli.load.RoomScript;
import io.shardcast.cli.load.Viewer;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardcast bench fanout}: one room, N viewers over local node processes, comments and likes
 * flowing in; reports delivery rate, comment-to-viewer latency and heap per idle viewer.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true, description = "One room, many viewers: delivery and latency.")
public final class FanoutBench implements Callable<Integer> {

  @Option(names = "--viewers", defaultValue = "10000") int viewers;
  @Option(names = "--nodes", defaultValue = "3") int nodes;
  @Option(names = "--comments-per-second", defaultValue = "200") int commentsPerSecond;
  @Option(names = "--likes-per-second", defaultValue = "5000") int likesPerSecond;
  @Option(names = "--seconds", defaultValue = "30") int seconds;
  @Option(names = "--node-heap", defaultValue = "2g") String nodeHeap;

  @Override
  public Integer call() throws Exception {
    if (viewers < 1 || nodes < 1 || seconds < 1 || commentsPerSecond < 0 || likesPerSecond < 0) {
      System.err.println("bench fanout: --viewers, --nodes, --seconds must be >= 1");
      return 2;
    }
    Path dir = Files.createTempDirectory("shardcast-bench-fanout");
    try (LocalCluster cluster = LocalCluster.start(nodes, dir, 0,
        List.of("-Xms" + nodeHeap, "-Xmx" + nodeHeap), List.of())) {
      cluster.awaitReady(java.time.Duration.ofSeconds(180));
      RoomScript room = new RoomScript(cluster.node(0).http()).create("bench");
      long[] heapBefore = new long[nodes];
      for (int i = 0; i < nodes; i++) {
        heapBefore[i] = Heap.usedAfterGc(cluster.node(i).process());
      }
      LatencyRecorder latency = new LatencyRecorder();
      HttpClient ws = HttpClient.newHttpClient();
      List<Viewer> audience = new ArrayList<>();
      long connectStart = System.nanoTime();
      for (int i = 0; i < viewers; i += 250) {
        List<CompletableFuture<Viewer>> batch = new ArrayList<>();
        for (int j = i; j < Math.min(viewers, i + 250); j++) {
          batch.add(new Viewer("v" + j, latency, false).connect(ws, cluster.node(j % nodes).ws(), room.roomId(), -1));
        }
        for (CompletableFuture<Viewer> f : batch) {
          try {
            audience.add(f.get());
          } catch (Exception e) {
            System.out.println("connect failed: " + e.getMessage());
          }
        }
      }
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      Thread.sleep(2000);
      long heapDelta = 0;
      for (int i = 0; i < nodes; i++) {
        heapDelta += Heap.usedAfterGc(cluster.node(i).process()) - heapBefore[i];
      }
      System.out.printf("connected %d viewers in %.1f s; heap per idle viewer %.1f KiB%n", audience.size(),
          connectSeconds, heapDelta / 1024.0 / Math.max(1, audience.size()));

      long deliveredBefore = Viewer.totalReceived(audience);
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      long tickNanos = 10_000_000;
      double commentsPerTick = commentsPerSecond / 100.0;
      double likeMsgsPerTick = likesPerSecond / 10.0 / 100.0;
      double commentDebt = 0;
      double likeDebt = 0;
      long next = start;
      while (System.nanoTime() < end) {
        commentDebt += commentsPerTick;
        likeDebt += likeMsgsPerTick;
        while (commentDebt >= 1) {
          audience.get(ThreadLocalRandom.current().nextInt(audience.size())).comment("bench");
          commentDebt--;
        }
        while (likeDebt >= 1) {
          audience.get(ThreadLocalRandom.current().nextInt(audience.size())).send("{\"type\":\"like\",\"count\":10}");
          likeDebt--;
        }
        next += tickNanos;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        }
      }
      Thread.sleep(2000);
      double elapsed = (System.nanoTime() - start) / 1e9;
      long delivered = Viewer.totalReceived(audience) - deliveredBefore;
      long outOfOrder = audience.stream().mapToLong(Viewer::outOfOrder).sum();
      long open = audience.stream().filter(Viewer::isOpen).count();
      System.out.printf("viewers %d (open at end %d), nodes %d, comments/s %d, likes/s %d, %d s%n", audience.size(),
          open, nodes, commentsPerSecond, likesPerSecond, seconds);
      System.out.printf("events delivered/s %.0f; comment->viewer latency p50 %d ms p99 %d ms (%d samples); "
          + "out of order %d%n", delivered / elapsed, latency.quantile(0.5), latency.quantile(0.99), latency.count(),
          outOfOrder);
      audience.forEach(Viewer::close);
      return 0;
    }
  }

}
