package io.shardcast.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.cluster.NodeProgram;
import io.shardcast.testkit.load.RestClient;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.load.Viewer;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real three-node cluster (three `shardcast node` processes sharing an H2 journal): viewers on
 * every node see the same events in seq order, a flash-sale race confirms exactly the stock, and
 * the room comes back on another node, with its orders and its seq, after its node is SIGKILLed.
 */
class ThreeNodeClusterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dataDir;
  static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(NodeProgram.of(Shardcast.class), 3, dataDir, 0, List.of("-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1",
        LocalCluster.FIXED_SIZE),
        List.of());
    cluster.awaitReady(Duration.ofSeconds(180));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
      cluster.copyLogs(Path.of("target", "node-logs", "three-node"));
    }
  }

  @Test
  void viewersEverywhereSeeOneOrderTheSaleNeverOversellsAndTheRoomSurvivesItsNodeKilledThenStopped()
      throws Exception {
    List<String> gateways = cluster.nodes().stream().map(LocalCluster.Node::http).toList();
    RoomScript room = new RoomScript(gateways.get(1)).create("cluster test");
    room.host("products", RoomScript.body().put("productId", "p").put("name", "Phone").put("priceCents", 100)
        .put("stock", 100));

    // Every node's load report reaches the autoscaler singleton, and a burst of joins asked of one
    // gateway is spread over the nodes.
    RestClient rest = new RestClient();
    long until = System.currentTimeMillis() + 30_000;
    while (rest.get(gateways.get(0) + "/api/autoscaler", cluster.opsToken()).body().path("nodes").size() < 3) {
      assertTrue(System.currentTimeMillis() < until, "all three nodes report to the autoscaler");
      Thread.sleep(250);
    }
    java.util.Map<String, Integer> placed = new java.util.HashMap<>();
    for (int i = 0; i < 300; i++) {
      placed.merge(rest.get(gateways.get(2) + "/api/rooms/" + room.roomId() + "/join").body().path("ws").asText(), 1,
          Integer::sum);
    }
    Set<String> everyNode = new HashSet<>();
    cluster.nodes().forEach(n -> everyNode.add(n.ws() + "/ws/rooms/" + room.roomId() + "?user=<userId>"));
    assertTrue(everyNode.containsAll(placed.keySet()), "joins go to the cluster's nodes: " + placed);
    // The least-stressed node takes joins until the joins credited to it (about a second's worth of its
    // safe join rate) outweigh its lead. CPU counts too, so a node busy starting up may get none.
    assertTrue(placed.size() >= 2 && placed.values().stream().allMatch(n -> n <= 200),
        "a burst of joins is spread over the nodes, not piled onto one: " + placed);

    HttpClient ws = HttpClient.newHttpClient();
    List<Viewer> viewers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      viewers.add(new Viewer("viewer-" + i, null, true).connect(ws, cluster.node(i % 3).ws(), room.roomId(), -1).get());
    }
    long revealAt = System.currentTimeMillis() + 3000;
    room.host("flash-sales", RoomScript.body().put("saleId", "s").put("productId", "p").put("quantity", 100)
        .put("perUserLimit", 1).put("revealAt", revealAt));
    for (int i = 0; i < 5; i++) {
      room.host("announcements", RoomScript.body().put("text", "note " + i));
      viewers.get(i).comment("hello-" + i);
    }
    Thread.sleep(Math.max(0, revealAt - System.currentTimeMillis()) + 50);

    RoomScript.Race race = room.buy(gateways, "s", 2000, 2000, 2000, "race");
    assertEquals(0, race.failures(), "every order answered; first failure: " + race.firstFailure());
    assertEquals(100L, race.results().get("CONFIRMED"));
    assertEquals(1900L, race.results().get("SOLD_OUT"));
    Set<String> confirmedBefore = orderIds(room.confirmedOrders("s"));
    assertEquals(100, confirmedBefore.size());

    room.host("announcements", RoomScript.body().put("text", "before the kill"));
    awaitAllSeq(viewers, room.snapshot().path("seq").asLong());
    List<String> reference = events(viewers.get(0));
    assertTrue(reference.stream().anyMatch(e -> e.contains("saleOpen")), "sale open reached viewers");
    for (Viewer v : viewers) {
      assertEquals(0, v.outOfOrder(), v.user() + " saw events out of order");
      assertEquals(reference, events(v), v.user() + " saw the same events as viewer-0");
    }

    // SIGKILL the node hosting the room.
    String hostNode = room.snapshot().path("node").asText();
    LocalCluster.Node victim = cluster.byAddress(hostNode);
    assertNotNull(victim, "room host " + hostNode + " is one of ours");
    long seqBefore = room.snapshot().path("seq").asLong();
    cluster.kill(victim.index());
    LocalCluster.Node survivor = cluster.node((victim.index() + 1) % 3);
    JsonNode snap = awaitRoomElsewhere(rest, survivor, room.roomId(), hostNode, Duration.ofSeconds(90));
    assertNotNull(snap, "room came back on another node");
    assertEquals(seqBefore, snap.path("seq").asLong(), "all persisted events recovered");
    RestClient.Response orders = rest.get(survivor.http() + "/api/rooms/" + room.roomId() + "/orders?saleId=s", room.hostToken());
    assertEquals(confirmedBefore, orderIds(orders.body()), "the same confirmed orders");

    // Viewers on surviving nodes kept their connections and continue without a gap.
    RestClient.Response post = room.rest().post(survivor.http() + "/api/rooms/" + room.roomId() + "/announcements",
        room.hostToken(), RoomScript.body().put("text", "after the kill"));
    assertEquals(200, post.status(), post.body().toString());
    assertEquals(seqBefore + 1, post.body().path("seq").asLong());
    List<Viewer> survivors = new ArrayList<>();
    for (int i = 0; i < viewers.size(); i++) {
      if (i % 3 != victim.index()) {
        survivors.add(viewers.get(i));
      }
    }
    awaitAllSeq(survivors, seqBefore + 1);
    for (Viewer v : survivors) {
      assertTrue(v.isOpen(), v.user() + " still connected");
      assertEquals(0, v.outOfOrder());
      List<String> seen = events(v);
      assertTrue(seen.get(seen.size() - 1).contains("after the kill"));
    }

    // SIGTERM (a rolling update, a scale-in) the node now hosting the room: it hands the room off
    // through CoordinatedShutdown, and the last node carries on with every order and the seq.
    String secondHost = rest.get(survivor.http() + "/api/rooms/" + room.roomId()).body().path("node").asText();
    LocalCluster.Node leaving = cluster.byAddress(secondHost);
    assertNotNull(leaving, "room host " + secondHost + " is one of ours");
    LocalCluster.Node last = cluster.node(3 - victim.index() - leaving.index());
    long seqHandedOff = seqBefore + 1;
    cluster.terminate(leaving.index());
    assertFalse(leaving.process().isAlive(), "the node stopped on SIGTERM");
    snap = awaitRoomElsewhere(rest, last, room.roomId(), secondHost, Duration.ofSeconds(60));
    assertNotNull(snap, "room handed off to the last node");
    assertEquals(seqHandedOff, snap.path("seq").asLong(), "every event handed off");
    assertEquals(confirmedBefore, orderIds(rest.get(last.http() + "/api/rooms/" + room.roomId() + "/orders?saleId=s", room.hostToken())
        .body()), "the same confirmed orders after the hand-off");
    post = room.rest().post(last.http() + "/api/rooms/" + room.roomId() + "/announcements", room.hostToken(),
        RoomScript.body().put("text", "after the hand-off"));
    assertEquals(200, post.status(), post.body().toString());
    assertEquals(seqHandedOff + 1, post.body().path("seq").asLong());
    List<Viewer> onLast = new ArrayList<>();
    for (int i = 0; i < viewers.size(); i++) {
      if (i % 3 == last.index()) {
        onLast.add(viewers.get(i));
      }
    }
    awaitAllSeq(onLast, seqHandedOff + 1);
    for (Viewer v : onLast) {
      assertTrue(v.isOpen(), v.user() + " on the last node still connected");
      assertEquals(0, v.outOfOrder());
      List<String> seen = events(v);
      assertTrue(seen.get(seen.size() - 1).contains("after the hand-off"));
    }
  }

  /** The room's snapshot, asked of {@code via}, once a node other than {@code oldHost} hosts it; null on timeout. */
  private static JsonNode awaitRoomElsewhere(RestClient rest, LocalCluster.Node via, String roomId, String oldHost,
      Duration timeout) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      RestClient.Response r = rest.get(via.http() + "/api/rooms/" + roomId);
      if (r.status() == 200 && !r.body().path("node").asText().equals(oldHost)) {
        return r.body();
      }
      Thread.sleep(200);
    }
    return null;
  }

  private static Set<String> orderIds(JsonNode orders) {
    Set<String> ids = new HashSet<>();
    orders.path("orders").forEach(o -> ids.add(o.path("orderId").asText()));
    return ids;
  }

  private static void awaitAllSeq(List<Viewer> viewers, long seq) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    for (Viewer v : viewers) {
      while (v.lastSeq() < seq && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(v.lastSeq() >= seq, v.user() + " reached seq " + seq + " (has " + v.lastSeq() + ")");
    }
  }

  /** The sequenced events a viewer saw (not snapshots), as "seq type text". */
  private static List<String> events(Viewer v) throws Exception {
    List<String> out = new ArrayList<>();
    for (String f : v.frames()) {
      JsonNode n = JSON.readTree(f);
      if (n.path("seq").asLong() > 0 && !n.path("type").asText().equals("snapshot")) {
        out.add(n.path("seq").asLong() + " " + n.path("type").asText() + " " + n.path("text").asText());
      }
    }
    return out;
  }
}
