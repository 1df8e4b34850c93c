package io.shardcast.cli;

import io.shardcast.cli.load.LocalCluster;
import io.shardcast.cli.load.RoomScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shardcast bench flashsale}: a buying race over HTTP against local node processes (H2 journal). */
@Command(name = "flashsale", mixinStandardHelpOptions = true, description = "Orders/s, ack latency, oversell.")
public final class FlashSaleBench implements Callable<Integer> {

  @Option(names = "--orders", defaultValue = "100000") int orders;
  @Option(names = "--users", defaultValue = "20000") int users;
  @Option(names = "--stock", defaultValue = "1000") int stock;
  @Option(names = "--nodes", defaultValue = "3") int nodes;
  @Option(names = "--concurrency", defaultValue = "256") int concurrency;

  @Override
  public Integer call() throws Exception {
    if (orders < 1 || users < 1 || stock < 1 || nodes < 1 || concurrency < 1) {
      System.err.println("bench flashsale: every parameter must be >= 1");
      return 2;
    }
    Path dir = Files.createTempDirectory("shardcast-bench-flashsale");
    try (LocalCluster cluster = LocalCluster.start(nodes, dir, 0, List.of("-Xms1g", "-Xmx1g"), List.of())) {
      cluster.awaitReady(java.time.Duration.ofSeconds(180));
      List<String> gateways = cluster.nodes().stream().map(LocalCluster.Node::http).toList();
      RoomScript room = new RoomScript(gateways.get(0)).create("flash bench");
      room.host("products", "{\"productId\":\"p\",\"name\":\"Phone\",\"priceCents\":99900,\"stock\":" + stock + "}");
      // Warm the JVMs and the connections with a small sale first.
      room.host("flash-sales", "{\"saleId\":\"warm\",\"productId\":\"p\",\"quantity\":100,\"perUserLimit\":1,\"revealInMs\":0}");
      room.buy(gateways, "warm", 5000, 5000, concurrency, "warm");
      room.host("flash-sales", "{\"saleId\":\"s\",\"productId\":\"p\",\"quantity\":" + stock
          + ",\"perUserLimit\":1,\"revealInMs\":0}");
      long start = System.nanoTime();
      RoomScript.Race race = room.buy(gateways, "s", orders, users, concurrency, "o");
      double seconds = (System.nanoTime() - start) / 1e9;
      long[] acks = race.ackMillis().clone();
      Arrays.sort(acks);
      var listed = room.confirmedOrders("s");
      long confirmed = race.results().getOrDefault("CONFIRMED", 0L);
      long sold = listed.path("sold").asLong();
      System.out.printf("orders %d from %d users for %d units over %d nodes, concurrency %d%n", orders, users, stock,
          nodes, concurrency);
      System.out.printf("orders/s %.0f; ack p50 %d ms p99 %d ms; results %s; failures %d%n", orders / seconds,
          acks[acks.length / 2], acks[(int) (acks.length * 0.99)], race.results(), race.failures());
      System.out.printf("confirmed %d, sold per the room %d, listed %d, oversell %d%n", confirmed, sold,
          listed.path("orders").size(), Math.max(0, sold - stock));
      return sold <= stock && confirmed == listed.path("orders").size() ? 0 : 1;
    }
  }
}
