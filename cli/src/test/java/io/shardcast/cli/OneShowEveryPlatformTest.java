package io.shardcast.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.shardcast.room.platform.PlatformSignature;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.cluster.NodeProgram;
import io.shardcast.testkit.load.RestClient;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.load.Viewer;
import io.shardcast.testkit.media.Ffmpeg;
import io.shardcast.testkit.media.NginxRtmp;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One show on every platform, end to end with real processes: a three-node cluster restreams a
 * show to two nginx "platforms" while their relays post signed comments, audience and orders and
 * the room's own viewers comment and buy in a flash sale; the node holding the room and its origin
 * is killed mid-show. The pushes come back from the new origin (the gap is measured), the back office's
 * webhooks lose nothing the journal has, and the numbers by platform add up to the room's totals.
 */
class OneShowEveryPlatformTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WEBHOOK_SECRET = "backoffice-secret-0123456789";
  @TempDir static Path dataDir;
  @TempDir static Path work;
  static LocalCluster cluster;
  static HttpServer outside;
  /** What the back office received: webhook bodies, in arrival order. */
  static final List<JsonNode> webhooks = new CopyOnWriteArrayList<>();
  /** Replies each platform's relay received. */
  static final Map<String, List<JsonNode>> replies = new ConcurrentHashMap<>();
  /** When each platform's nginx was last asked to take a publish (its on_publish hook), epoch ms. */
  static final Map<String, List<Long>> publishes = new ConcurrentHashMap<>();
  static final Set<String> unsigned = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start() throws Exception {
    outside = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    outside.createContext("/hooks", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      JsonNode event = JSON.readTree(body);
      long ts = Long.parseLong(exchange.getRequestHeaders().getFirst("Shardcast-Timestamp"));
      if (!PlatformSignature.verify(WEBHOOK_SECRET, event.path("roomId").asText(), "default", ts, body,
          exchange.getRequestHeaders().getFirst("Shardcast-Signature"))) {
        unsigned.add(event.path("id").asText());
      }
      webhooks.add(event);
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    outside.createContext("/replies/", exchange -> {
      String platform = exchange.getRequestURI().getPath().substring("/replies/".length());
      replies.computeIfAbsent(platform, k -> new CopyOnWriteArrayList<>())
          .add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    outside.createContext("/publish/", exchange -> {
      String platform = exchange.getRequestURI().getPath().substring("/publish/".length());
      publishes.computeIfAbsent(platform, k -> new CopyOnWriteArrayList<>()).add(System.currentTimeMillis());
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    outside.start();
    cluster = LocalCluster.start(NodeProgram.of(Shardcast.class), 3, dataDir, 0, List.of("-Xms128m", "-Xmx384m",
        "-XX:TieredStopAtLevel=1", LocalCluster.FIXED_SIZE,
        "-Dshardcast.webhooks.url=" + outsideUrl("/hooks"), "-Dshardcast.webhooks.secret=" + WEBHOOK_SECRET),
        List.of());
    cluster.awaitReady(Duration.ofSeconds(180));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
      cluster.copyLogs(Path.of("target", "node-logs", "one-show-every-platform"));
    }
    if (outside != null) {
      outside.stop(0);
    }
  }

  static String outsideUrl(String path) {
    return "http://127.0.0.1:" + outside.getAddress().getPort() + path;
  }

  private static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < until, "within " + timeout.toSeconds() + " s: " + what);
      Thread.sleep(200);
    }
  }

  /** A relay's signed POST of {@code events} for destination {@code destination}. */
  private static void relay(String base, String roomId, String destination, String secret, String events)
      throws Exception {
    byte[] body = ("{\"events\":[" + events + "]}").getBytes(StandardCharsets.UTF_8);
    long ts = System.currentTimeMillis() / 1000;
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/rooms/"
        + roomId + "/platform-events")).header("Shardcast-Destination", destination)
        .header("Shardcast-Timestamp", Long.toString(ts))
        .header("Shardcast-Signature", PlatformSignature.sign(secret, roomId, destination, ts, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  private static String states(RestClient rest, String url, String token) throws Exception {
    StringBuilder b = new StringBuilder();
    for (JsonNode d : rest.get(url, token).body().path("destinations")) {
      b.append(d.path("destinationId").asText()).append('=').append(d.path("state").asText()).append(' ');
    }
    return b.toString().trim();
  }

  private static long count(List<JsonNode> events, String roomId, String type) {
    Set<String> ids = new HashSet<>();
    for (JsonNode e : events) {
      if (e.path("roomId").asText().equals(roomId) && e.path("type").asText().equals(type)) {
        ids.add(e.path("id").asText());
      }
    }
    return ids.size();
  }

  @Test
  void theShowGoesOnOnEveryPlatformThroughTheLossOfItsOrigin() throws Exception {
    // The worst case: the room and its origin on the node that is lost (not the oldest, which hosts
    // the shard coordinator and no room may be moved to).
    LocalCluster.Node origin = cluster.node(2);
    LocalCluster.Node api = cluster.node(1);
    RestClient rest = new RestClient();
    RoomScript room = new RoomScript(api.http()).create("Every platform");
    String rooms = api.http() + "/api/rooms/" + room.roomId();
    room.host("products", RoomScript.body().put("productId", "scarf").put("name", "Silk scarf").put("priceCents", 1500)
        .put("stock", 100));
    List<Process> publishers = new ArrayList<>();
    try (NginxRtmp tiktok = NginxRtmp.start(work.resolve("tiktok"), outsideUrl("/publish/tiktok"));
        NginxRtmp shopee = NginxRtmp.start(work.resolve("shopee"), outsideUrl("/publish/shopee"))) {
      Map<String, String> secrets = new java.util.HashMap<>();
      for (Object[] p : new Object[][] {{"tiktok", tiktok}, {"shopee", shopee}}) {
        RestClient.Response added = rest.post(rooms + "/destinations", room.hostToken(), "{\"platform\":\"" + p[0]
            + "\",\"destinationId\":\"" + p[0] + "\",\"url\":\"rtmp://127.0.0.1:" + ((NginxRtmp) p[1]).port
            + "/live\",\"streamKey\":\"key-" + p[0] + "\",\"replyUrl\":\"" + outsideUrl("/replies/" + p[0]) + "\"}");
        assertEquals(201, added.status(), added.body().toString());
        secrets.put((String) p[0], added.body().at("/created/chatSecret").asText());
      }

      // A node just up may not have reported to the autoscaler yet (404 UNKNOWN_NODE): asked again until it has.
      OpsCommandTest.Run moved = null;
      for (long until = System.currentTimeMillis() + 60_000; System.currentTimeMillis() < until; Thread.sleep(500)) {
        moved = OpsCommandTest.ops("room", room.roomId(), "move", "--to", origin.address(), "--wait", "--timeout", "60s",
            "--server", api.http(), "--token", cluster.opsToken());
        if (!moved.err().contains("UNKNOWN_NODE")) {
          break;
        }
      }
      assertEquals(0, moved.code(), moved.err());

      // The show starts on node 3: both platforms take the push.
      publishers.add(Ffmpeg.publishRtmp(origin.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(),
          "640x360", 25, 25, "600k", work.resolve("publisher-1.log")));
      String destinations = rooms + "/destinations";
      await("both pushes live: " + states(rest, destinations, room.hostToken()), Duration.ofSeconds(60), () -> {
        try {
          return states(rest, destinations, room.hostToken()).equals("tiktok=live shopee=live");
        } catch (Exception e) {
          return false;
        }
      });

      // The room's own viewers (on nodes 1 and 2) and both platforms' chats, in one sequence.
      HttpClient client = HttpClient.newHttpClient();
      Viewer alice = new Viewer("alice", null, true).connect(client, cluster.node(1).ws(), room.roomId(), -1)
          .get(20, TimeUnit.SECONDS);
      Viewer bob = new Viewer("bob", null, true).connect(client, cluster.node(0).ws(), room.roomId(), -1)
          .get(20, TimeUnit.SECONDS);
      alice.comment("hello from the room");
      relay(api.http(), room.roomId(), "tiktok", secrets.get("tiktok"),
          "{\"id\":\"t1\",\"type\":\"comment\",\"user\":{\"id\":\"v1\",\"name\":\"Lily\"},\"text\":\"red in stock?\"},"
          + "{\"id\":\"t2\",\"type\":\"viewers\",\"count\":300,\"joins\":320}");
      relay(cluster.node(0).http(), room.roomId(), "shopee", secrets.get("shopee"),
          "{\"id\":\"s1\",\"type\":\"comment\",\"user\":{\"id\":\"b1\",\"name\":\"阿明\"},\"text\":\"发什么快递\"},"
          + "{\"id\":\"s2\",\"type\":\"viewers\",\"count\":80},"
          + "{\"id\":\"s3\",\"type\":\"order\",\"user\":{\"id\":\"b1\"},\"productId\":\"scarf\",\"quantity\":2}");
      await("bob sees both platforms' comments", Duration.ofSeconds(20), () -> bob.frames().stream()
          .filter(f -> f.contains("\"platform\":\"tiktok\"") || f.contains("\"platform\":\"shopee\"")).count() >= 2);
      long tiktokSeq = JSON.readTree(bob.frames().stream().filter(f -> f.contains("red in stock?")).findFirst()
          .orElseThrow()).path("seq").asLong();
      assertEquals(200, rest.post(rooms + "/replies", room.hostToken(), "{\"text\":\"Yes, 12 left!\",\"inReplyTo\":"
          + tiktokSeq + "}").status());
      await("the tiktok relay got the reply", Duration.ofSeconds(20), () -> replies.containsKey("tiktok"));
      assertEquals("t1", replies.get("tiktok").get(0).at("/inReplyTo/eventId").asText());
      assertFalse(replies.containsKey("shopee"), "a reply to a tiktok viewer goes to tiktok only");

      // A flash sale on the room's own page.
      room.host("flash-sales", RoomScript.body().put("saleId", "s1").put("productId", "scarf").put("quantity", 20)
          .put("perUserLimit", 1).put("revealInMs", 0));
      for (int i = 0; i < 30; i++) {
        rest.post(cluster.node(i % 2).http() + "/api/rooms/" + room.roomId() + "/orders", null,
            "{\"orderId\":\"a" + i + "\",\"userId\":\"buyer" + i + "\",\"saleId\":\"s1\"}");
      }
      assertEquals(20, room.confirmedOrders("s1").path("orders").size());

      // The node holding the room and its origin is lost; the host's encoder reconnects to another node
      // at once (its RTMP publish waits for the room to come back on another node).
      long killedAt = System.currentTimeMillis();
      cluster.kill(2);
      publishers.get(0).destroyForcibly();
      publishers.add(Ffmpeg.publishRtmp(api.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(),
          "640x360", 25, 25, "600k", work.resolve("publisher-2.log")));
      await("both platforms take the push again", Duration.ofSeconds(90), () ->
          publishes.getOrDefault("tiktok", List.of()).stream().anyMatch(t -> t > killedAt)
          && publishes.getOrDefault("shopee", List.of()).stream().anyMatch(t -> t > killedAt));
      long tiktokGap = publishes.get("tiktok").stream().filter(t -> t > killedAt).findFirst().orElseThrow() - killedAt;
      long shopeeGap = publishes.get("shopee").stream().filter(t -> t > killedAt).findFirst().orElseThrow() - killedAt;
      System.out.println("restream gap after the origin's loss (kill to the platform taking the push again): tiktok "
          + tiktokGap + " ms, shopee " + shopeeGap + " ms");
      Ffmpeg.Decoded resumed = Ffmpeg.decode("rtmp://127.0.0.1:" + shopee.port + "/live/key-shopee", 3, work,
          "shopee-after");
      assertTrue(resumed.clean() && resumed.videoFrames() >= 40, "the platform plays the show again: "
          + resumed.videoFrames() + " frames, " + resumed.errors());

      // A second sale after the loss: the room and its webhooks go on.
      room.host("flash-sales", RoomScript.body().put("saleId", "s2").put("productId", "scarf").put("quantity", 5)
          .put("perUserLimit", 1).put("revealInMs", 0));
      for (int i = 0; i < 5; i++) {
        RestClient.Response r = rest.post(cluster.node(i % 2).http() + "/api/rooms/" + room.roomId() + "/orders",
            null, "{\"orderId\":\"b" + i + "\",\"userId\":\"late" + i + "\",\"saleId\":\"s2\"}");
        assertEquals("CONFIRMED", r.body().path("result").asText(), r.body().toString());
      }

      // No webhook lost: every order the journal has, delivered (and every one signed).
      Set<String> journalOrders = new HashSet<>();
      for (String sale : List.of("s1", "s2")) {
        room.confirmedOrders(sale).path("orders").forEach(o -> journalOrders.add(o.path("orderId").asText()));
      }
      assertEquals(25, journalOrders.size());
      await("the back office has every order: " + count(webhooks, room.roomId(), "order.confirmed"),
          Duration.ofSeconds(60), () -> count(webhooks, room.roomId(), "order.confirmed") == 25);
      Set<String> delivered = new HashSet<>();
      webhooks.stream().filter(e -> e.path("roomId").asText().equals(room.roomId())
          && e.path("type").asText().equals("order.confirmed")).forEach(e -> delivered.add(e.at("/data/orderId").asText()));
      assertEquals(journalOrders, delivered, "the delivered orders are the journal's");
      await("every sale moment", Duration.ofSeconds(30), () -> count(webhooks, room.roomId(), "sale.soldOut") == 2
          && count(webhooks, room.roomId(), "sale.opened") == 2 && count(webhooks, room.roomId(), "room.live") >= 1);
      assertTrue(unsigned.isEmpty(), "unsigned webhooks: " + unsigned);
      OpsCommandTest.Run ops = OpsCommandTest.ops("webhooks", "--server", api.http(), "--token", cluster.opsToken());
      assertEquals(0, ops.code(), ops.err());
      assertTrue(ops.out().contains("default"), ops.out());

      // The numbers by platform add up to the room's.
      JsonNode numbers = null;
      for (long until = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < until; Thread.sleep(300)) {
        numbers = rest.get(rooms + "/numbers", room.hostToken()).body();
        if (numbers.at("/totals/orders").asLong() == 26) {
          break;
        }
      }
      Map<String, JsonNode> byPlatform = new java.util.HashMap<>();
      numbers.path("platforms").forEach(p -> byPlatform.put(p.path("platform").asText(), p));
      assertEquals(26, numbers.at("/totals/orders").asLong(), "25 on the room's page, 1 on shopee's shop: " + numbers);
      assertEquals(25, byPlatform.get("room").path("orders").asLong());
      assertEquals(25 * 1500, byPlatform.get("room").path("revenueCents").asLong());
      assertEquals(1, byPlatform.get("shopee").path("orders").asLong());
      assertEquals(1, byPlatform.get("tiktok").path("comments").asLong());
      assertEquals(1, byPlatform.get("shopee").path("comments").asLong());
      assertEquals(1, byPlatform.get("room").path("comments").asLong());
      long sum = 0;
      for (JsonNode p : numbers.path("platforms")) {
        sum += p.path("comments").asLong();
      }
      assertEquals(numbers.at("/totals/comments").asLong(), sum);
      assertEquals(300, byPlatform.get("tiktok").path("viewersPeak").asLong());
      alice.close();
      bob.close();
    } finally {
      publishers.forEach(Process::destroyForcibly);
    }
  }
}
