package io.shardcast.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.cluster.NodeProgram;
import io.shardcast.testkit.load.LeanViewers;
import io.shardcast.testkit.load.RestClient;
import io.shardcast.testkit.load.RoomScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elasticity on a real local cluster (processes): under a ramp of viewers the autoscaler activates
 * the warm standby and starts a new node process to refill the pool, joins go to the activated node,
 * and a node drained under load sends every viewer elsewhere by a reconnect hint, the hints spread
 * over two seconds: each resumes from its last seq, none misses an event, and the drained node
 * leaves the cluster.
 */
class ElasticClusterTest {

  private static final String OPS = "elastic-test-ops";
  /** Small safe loads, so a few dozen viewers are a spike. */
  private static final String CONFIG = """
      shardcast.autoscaler {
        min-standby = 1
        max-nodes = 4
        safe-load.viewers = 40
        headroom-nodes = 0
        scale-in.window = 600s
      }
      shardcast.ops.token = "%s"
      """.formatted(OPS);

  @TempDir Path dataDir;
  LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
      cluster.copyLogs(Path.of("target", "node-logs", "elastic"));
      assertTrue(cluster.processes().isEmpty(), "every node process is gone, including those the autoscaler started");
    }
  }

  @Test
  void aRampActivatesTheStandbyStartsANodeAndADrainLosesNoViewerAndNoEvent() throws Exception {
    Path conf = dataDir.resolve("elastic.conf");
    Files.writeString(conf, CONFIG);
    List<String> jvm = List.of("-Xms128m", "-Xmx384m", "-XX:TieredStopAtLevel=1");
    cluster = LocalCluster.start(NodeProgram.of(Shardcast.class), 1, dataDir, 0, jvm, List.of("--config", conf.toString(), "--scaler", "local"));
    cluster.awaitReady(Duration.ofSeconds(120));
    String gateway = cluster.node(0).http();
    RestClient rest = new RestClient();
    // The pool is filled at once: the autoscaler starts a standby process of its own.
    await("the autoscaler starts a standby", Duration.ofSeconds(60),
        () -> roles(rest, gateway).equals(List.of("ACTIVE", "STANDBY")));
    JsonNode standbyReport = null;
    for (JsonNode n : state(rest, gateway).path("nodes")) {
      standbyReport = n.path("role").asText().equals("STANDBY") ? n : standbyReport;
    }
    String standbyId = standbyReport.path("node").asText();
    String standbyWs = standbyReport.path("viewerBase").asText().replaceFirst("^http", "ws");
    assertEquals(1, startups(state(rest, gateway), "cold-start"), "the start was measured");

    // A standby takes no viewers.
    try {
      HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create(standbyWs + "/ws/rooms/r?user=u"), new WebSocket.Listener() {}).join();
      fail("a standby accepted a viewer");
    } catch (CompletionException e) {
      WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
      assertEquals(503, refused.getResponse().statusCode());
      assertTrue(String.valueOf(refused.getResponse().body()).contains("NOT_SERVING"));
    }

    RoomScript room = new RoomScript(gateway).create("elastic");
    // Ramp: 60 viewers, placed by /join, 5 per second; half as many again as one node may safely hold.
    try (LeanViewers viewers = new LeanViewers(null, 1)) {
      viewers.resolveWith(r -> room.joinBase());
      for (int i = 0; i < 60; i++) {
        viewers.connect(room.joinBase(), room.roomId(), "v" + i);
        Thread.sleep(200);
      }
      await("60 viewers connected", Duration.ofSeconds(20), () -> viewers.openCount() == 60);
      // A ramp this steep (a node's worth every 8 s) is a panic: the pool is refilled by new
      // processes, and while the audience still grows they serve as soon as they are ready.
      await("the standby is activated and new node processes start behind it", Duration.ofSeconds(60), () -> {
        JsonNode s = state(rest, gateway);
        return role(s, standbyId).equals("ACTIVE") && startups(s, "activation") > 0
            && startups(s, "cold-start") > 1;
      });
      // (How fast an activation serves is measured by `bench autoscale --live-activations`, not here.)
      assertTrue(cluster.processes().size() >= 3, "the autoscaler started a node process");

      // Joins now go to the activated nodes too (the first standby's viewers, checked below, came so).
      String firstWs = cluster.node(0).ws();
      boolean elsewhere = false;
      for (int i = 0; i < 50 && !elsewhere; i++) {
        elsewhere = !room.joinBase().equals(firstWs);
      }
      assertTrue(elsewhere, "the activated nodes take joins");
      for (int i = 60; i < 70; i++) {
        viewers.connect(room.joinBase(), room.roomId(), "v" + i);
      }
      await("70 viewers connected", Duration.ofSeconds(20), () -> viewers.openCount() == 70);
      int onDrained = viewersOn(rest, gateway, standbyId);
      assertTrue(onDrained > 0, "the node to drain has viewers");

      // Drain it under a stream of events; every viewer resumes elsewhere and misses nothing.
      AtomicBoolean talking = new AtomicBoolean(true);
      AtomicInteger published = new AtomicInteger();
      AtomicReference<Exception> hostFailure = new AtomicReference<>();
      Thread host = new Thread(() -> {
        while (talking.get()) {
          try {
            room.host("announcements", RoomScript.body().put("text", "note " + published.incrementAndGet()));
            Thread.sleep(100);
          } catch (Exception e) {
            hostFailure.set(e);
            return;
          }
        }
      });
      host.start();
      await("events flow", Duration.ofSeconds(10), () -> published.get() >= 5);
      RestClient.Response drain = rest.post(gateway + "/api/autoscaler/nodes/drain", OPS,
          RoomScript.body().put("node", standbyId));
      assertEquals(202, drain.status(), drain.body().toString());
      int atDrain = published.get();
      int port = Integer.parseInt(standbyId.substring(standbyId.lastIndexOf(':') + 1));
      await("the drained node left and exited", Duration.ofSeconds(60), () -> !cluster.isRunning(port));
      int untilExit = published.get();
      await("events flow after the drain", Duration.ofSeconds(10), () -> published.get() >= untilExit + 5);
      talking.set(false);
      host.join();
      assertNull(hostFailure.get(), "the host's announcements all went through");
      assertTrue(untilExit > atDrain, "events were published while the node drained");
      long last = room.snapshot().path("seq").asLong();
      await("every viewer has every event", Duration.ofSeconds(20), () -> viewers.minSeqOfOpen() >= last);
      assertEquals(70, viewers.openCount(), "every viewer is connected after the drain");
      assertTrue(viewers.reconnects() >= onDrained, "the drained node's viewers moved: " + viewers.reconnects());
      // The hints went out over the autoscaler's scale-in.reconnect (2 s), not in one burst, so the
      // staying node took the viewers at a steady rate.
      assertTrue(viewers.hintSpreadMillis() >= 1000, "the drain hints were spread out over "
          + viewers.hintSpreadMillis() + " ms");
      assertEquals(0, viewers.gaps(), "no viewer missed an event across the move");
      assertEquals(0, viewers.resumeSnapshots(), "every moved viewer resumed from its seq, not from a snapshot");
      assertEquals(0, viewers.lost(), "no viewer lost its connection without a hint");
      assertEquals(0, viewers.gaveUp(), "no viewer gave up reconnecting");
      assertEquals(0, viewers.outOfOrder(), "no event out of order or repeated");
    }
  }

  private static JsonNode state(RestClient rest, String gateway) {
    try {
      return rest.get(gateway + "/api/autoscaler", OPS).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> roles(RestClient rest, String gateway) {
    try {
      JsonNode nodes = rest.get(gateway + "/api/autoscaler", OPS).body().path("nodes");
      return java.util.stream.StreamSupport.stream(nodes.spliterator(), false).map(n -> n.path("role").asText())
          .sorted().toList();
    } catch (Exception e) {
      return List.of();
    }
  }

  private static String role(JsonNode state, String nodeId) {
    for (JsonNode n : state.path("nodes")) {
      if (n.path("node").asText().equals(nodeId)) {
        return n.path("role").asText();
      }
    }
    return "";
  }

  private static int viewersOn(RestClient rest, String gateway, String nodeId) throws Exception {
    Thread.sleep(1500); // a report's worth
    for (JsonNode n : rest.get(gateway + "/api/autoscaler", OPS).body().path("nodes")) {
      if (n.path("node").asText().equals(nodeId)) {
        return n.path("viewers").asInt();
      }
    }
    return 0;
  }

  private static long startups(JsonNode state, String kind) {
    long n = 0;
    for (JsonNode s : state.path("startups")) {
      n += s.path("kind").asText().equals(kind) ? 1 : 0;
    }
    return n;
  }

  private void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        fail("timed out waiting: " + what + "; the autoscaler: " + state(new RestClient(), cluster.node(0).http()));
      }
      Thread.sleep(250);
    }
  }
}
