package io.shardcast.bench;

import com.typesafe.config.ConfigFactory;
import io.shardcast.cluster.ShardcastNode;
import io.shardcast.room.HostToken;
import io.shardcast.room.LiveRoom;
import io.shardcast.room.reply.RoomReply;
import io.shardcast.room.state.HostOp;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.LeanBuyers;
import io.shardcast.testkit.load.RoomScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code shardcast bench flashsale}: a buying race over HTTP against local node processes (H2 journal). */
@Command(name = "flashsale", mixinStandardHelpOptions = true, description = "Orders/s, ack latency, oversell.")
public final class FlashSaleBench implements Callable<Integer> {

  @ParentCommand
  BenchCommand bench;

  @Option(names = "--orders", defaultValue = "100000") int orders;
  @Option(names = "--users", defaultValue = "20000") int users;
  @Option(names = "--stock", defaultValue = "1000") int stock;
  @Option(names = "--nodes", defaultValue = "3") int nodes;
  @Option(names = "--concurrency", defaultValue = "256") int concurrency;
  @Option(names = "--client", defaultValue = "lean", description = "lean (one NIO thread, keep-alive connections, "
      + "one order in flight on each) or jdk (the JDK HttpClient)")
  String client;
  @Option(names = "--listener", defaultValue = "viewer", description = "where orders go: viewer (the viewer "
      + "listener, keep-alive) or gateway (the Pekko HTTP REST gateway)")
  String listener;
  @Option(names = "--node-jvm-option", description = "an extra JVM option for every node, e.g. a JFR recording")
  List<String> nodeJvmOptions = new java.util.ArrayList<>();
  @Option(names = "--direct", description = "One in-process node, orders sent to the room through sharding "
      + "(no HTTP): the room and journal alone.")
  boolean direct;

  @Override
  public Integer call() throws Exception {
    if (orders < 1 || users < 1 || stock < 1 || nodes < 1 || concurrency < 1) {
      System.err.println("bench flashsale: every parameter must be >= 1");
      return 2;
    }
    if (!client.equals("lean") && !client.equals("jdk")) {
      System.err.println("bench flashsale: --client is lean or jdk, not " + client);
      return 2;
    }
    if (!listener.equals("viewer") && !listener.equals("gateway")) {
      System.err.println("bench flashsale: --listener is viewer or gateway, not " + listener);
      return 2;
    }
    Path dir = Files.createTempDirectory("shardcast-bench-flashsale");
    if (direct) {
      return direct(dir);
    }
    List<String> jvm = new java.util.ArrayList<>(List.of("-Xms1g", "-Xmx1g", LocalCluster.FIXED_SIZE));
    jvm.addAll(nodeJvmOptions);
    try (LocalCluster cluster = LocalCluster.start(bench.nodes(), nodes, dir, 0, jvm, List.of())) {
      cluster.awaitReady(java.time.Duration.ofSeconds(180));
      RoomScript room = new RoomScript(cluster.node(0).http()).create("flash bench");
      List<String> gateways = cluster.nodes().stream()
          .map(listener.equals("viewer") ? LocalCluster.Node::viewerHttp : LocalCluster.Node::http).toList();
      room.host("products", RoomScript.body().put("productId", "p").put("name", "Phone").put("priceCents", 99900)
          .put("stock", stock));
      // Warm the JVMs and the connections with a small sale first.
      room.host("flash-sales", RoomScript.body().put("saleId", "warm").put("productId", "p").put("quantity", 100)
          .put("perUserLimit", 1).put("revealInMs", 0));
      race(room, gateways, "warm", 5000, 5000, "warm");
      room.host("flash-sales", RoomScript.body().put("saleId", "s").put("productId", "p").put("quantity", stock)
          .put("perUserLimit", 1).put("revealInMs", 0));
      long start = System.nanoTime();
      RoomScript.Race race = race(room, gateways, "s", orders, users, "o");
      double seconds = (System.nanoTime() - start) / 1e9;
      long[] acks = race.ackMillis().clone();
      Arrays.sort(acks);
      var listed = room.confirmedOrders("s");
      long confirmed = race.results().getOrDefault("CONFIRMED", 0L);
      long sold = listed.path("sold").asLong();
      System.out.printf("orders %d from %d users for %d units over %d nodes (%s listener), concurrency %d, %s client%n",
          orders, users, stock, nodes, listener, concurrency, client);
      System.out.printf("orders/s %.0f; ack p50 %d ms p99 %d ms; results %s; failures %d%n", orders / seconds,
          acks[acks.length / 2], acks[(int) (acks.length * 0.99)], race.results(), race.failures());
      System.out.printf("confirmed %d, sold per the room %d, listed %d, oversell %d; the stock lasted %d ms%n",
          confirmed, sold, listed.path("orders").size(), Math.max(0, sold - stock), race.lastConfirmedMillis());
      return sold <= stock && confirmed == listed.path("orders").size() ? 0 : 1;
    }
  }

  private RoomScript.Race race(RoomScript room, List<String> gateways, String saleId, int count, int buyers,
      String prefix) throws Exception {
    return client.equals("lean")
        ? LeanBuyers.race(gateways, room.roomId(), saleId, count, buyers, concurrency, prefix)
        : room.buy(gateways, saleId, count, buyers, concurrency, prefix);
  }

  private int direct(Path dir) throws Exception {
    int[] ports = LocalCluster.freePorts(2);
    int remote = ports[0];
    ShardcastNode.Running node = ShardcastNode.start(ConfigFactory.parseMap(Map.of(
        "shardcast.gateway.port", 0,
        "shardcast.data-dir", dir.toString(),
        "pekko.remote.artery.canonical.port", remote,
        "pekko.management.http.port", ports[1],
        "pekko.cluster.seed-nodes", List.of("pekko://shardcast@127.0.0.1:" + remote),
        "pekko.loglevel", "WARNING",
        "shardcast.media.enabled", "off")));
    try {
      var room = ClusterSharding.get(node.system()).entityRefFor(LiveRoom.TYPE_KEY, "bench");
      Duration timeout = Duration.ofSeconds(30);
      room.<RoomReply.ToCreate>ask(r -> new LiveRoom.CreateRoom("bench", HostToken.hash("t"), r), timeout).toCompletableFuture().get();
      room.<RoomReply.ToHost>ask(r -> new LiveRoom.Host("t", new HostOp.AddProduct("p", "Phone", 1, stock), r), timeout)
          .toCompletableFuture().get();
      for (String sale : List.of("warm", "s")) {
        int quantity = sale.equals("warm") ? 100 : stock;
        room.<RoomReply.ToHost>ask(r -> new LiveRoom.Host("t", new HostOp.AnnounceFlashSale(sale, "p", quantity, 1, 1), r),
            timeout).toCompletableFuture().get();
      }
      race(room, "warm", 20_000, timeout);
      long start = System.nanoTime();
      long[] acks = race(room, "s", orders, timeout);
      double seconds = (System.nanoTime() - start) / 1e9;
      Arrays.sort(acks);
      var listed = (RoomReply.SaleOrders) room.<RoomReply.ToOrders>ask(r -> new LiveRoom.GetOrders("s", LiveRoom.OrdersReader.OPERATOR, null, r), timeout)
          .toCompletableFuture().get();
      System.out.printf("direct: orders %d from %d users for %d units, one in-process node, concurrency %d%n", orders,
          users, stock, concurrency);
      System.out.printf("orders/s %.0f; ack p50 %d ms p99 %d ms; sold %d, listed %d, oversell %d%n", orders / seconds,
          acks[acks.length / 2], acks[(int) (acks.length * 0.99)], listed.sold(), listed.orders().size(),
          Math.max(0, listed.sold() - stock));
      return listed.sold() <= stock ? 0 : 1;
    } finally {
      node.stop();
    }
  }

  private long[] race(org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<LiveRoom.Command> room, String sale,
      int count, Duration timeout) throws InterruptedException {
    long[] acks = new long[count];
    Semaphore inFlight = new Semaphore(concurrency);
    CountDownLatch done = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      inFlight.acquire();
      int n = i;
      String orderId = sale + "-" + i;
      String user = "buyer-" + (i % users);
      long t0 = System.nanoTime();
      room.<RoomReply.ToOrder>ask(r -> new LiveRoom.PlaceOrder(orderId, user, sale, 1, r), timeout).whenComplete((r, t) -> {
        acks[n] = (System.nanoTime() - t0) / 1_000_000;
        inFlight.release();
        done.countDown();
      });
    }
    done.await();
    return acks;
  }
}
