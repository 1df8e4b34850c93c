package io.shardcast.cli;

import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RestClient;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.load.Viewer;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The training run behind the launcher's class-data-sharing archive: starts one node on free ports
 * and a scratch journal, drives the paths every node takes (room creation, host operations, a viewer
 * over the WebSocket, chat, likes, an order, the REST reads, metrics), then exits normally so the
 * JVM, started with {@code -XX:ArchiveClassesAtExit}, writes every class it loaded into the archive.
 * Later JVMs map those classes instead of loading and verifying them again: a node serves in about
 * two thirds of the time and CPU (BENCHMARKS.md, "Autoscaling, live").
 */
@Command(name = "train-class-archive", hidden = true,
    description = "Start a node, exercise it and exit (the launcher's class archive training run).")
public final class ClassArchiveTraining implements Callable<Integer> {

  @Option(names = "--data-dir", description = "the training node's journal (default: a new temporary directory)")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    if (dataDir == null) {
      dataDir = Files.createTempDirectory("shardcast-cds-");
    }
    int[] p = LocalCluster.freePorts(9);
    List<String> args = new ArrayList<>(List.of("--http-port", "" + p[0], "--viewer-port", "" + p[1],
        "--remote-port", "" + p[2], "--management-port", "" + p[3], "--rtmp-port", "" + p[4],
        "--media-port", "" + p[5], "--relay-port", "" + p[6], "--rtp-port", "" + p[7],
        "--webrtc-port", "" + p[8],
        "--seed-nodes", "127.0.0.1:" + p[2], "--data-dir", dataDir.toString(),
        // Whatever the environment says (the launcher also clears SHARDCAST_*): a node of its own.
        "--journal", "h2", "--role", "active", "--discovery", "config", "--scaler", "none",
        "--hostname", "127.0.0.1"));
    int started = new CommandLine(new NodeCommand()).execute(args.toArray(String[]::new));
    if (started != 0) {
      return started;
    }
    String base = "http://127.0.0.1:" + p[0];
    RestClient rest = new RestClient(Duration.ofSeconds(10));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && rest.get("http://127.0.0.1:" + p[3] + "/ready").status() != 200) {
      Thread.sleep(100);
    }
    RoomScript room = new RoomScript(base).create("class-archive-training");
    room.host("products", RoomScript.body().put("productId", "p1").put("name", "Training").put("priceCents", 100)
        .put("stock", 5));
    room.host("pin", RoomScript.body().put("productId", "p1"));
    room.host("flash-sales", RoomScript.body().put("saleId", "s1").put("productId", "p1").put("quantity", 5)
        .put("perUserLimit", 1).put("revealInMs", 0));
    HttpClient client = HttpClient.newHttpClient();
    Viewer viewer = new Viewer("trainer", null, false).connect(client, "ws://127.0.0.1:" + p[1], room.roomId(), -1)
        .get(10, TimeUnit.SECONDS);
    viewer.comment("hello");
    viewer.like(3);
    rest.post("http://127.0.0.1:" + p[1] + "/api/rooms/" + room.roomId() + "/orders", null,
        RoomScript.body().put("orderId", "o1").put("userId", "trainer").put("saleId", "s1"));
    rest.post(base + "/api/rooms/" + room.roomId() + "/orders", null,
        RoomScript.body().put("orderId", "o2").put("userId", "trainer2").put("saleId", "s1"));
    room.snapshot();
    room.confirmedOrders("s1");
    rest.get(base + "/api/rooms/" + room.roomId() + "/join");
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && viewer.received() < 3) {
      Thread.sleep(50);
    }
    viewer.close();
    System.out.println("class archive training: viewer got " + viewer.received() + " messages; exiting");
    return 0;
  }
}
