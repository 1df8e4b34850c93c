package io.shardcast.cluster;

import static io.shardcast.cluster.TestNodes.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.room.platform.PlatformSignature;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-platform numbers of a room, read from the journal by a real node: the room's own
 * viewers' comments, likes, gifts, claims and orders beside a platform's relayed comments, likes,
 * audience and orders, each counted once through a node restart, adding up to the room's totals,
 * for the host and operators only, as JSON and CSV.
 */
class PlatformNumbersTest {

  @TempDir static Path dataDir;

  private static ShardcastNode.Running node() throws Exception {
    return TestNodes.start(dataDir, Map.of("jdbc-read-journal.refresh-interval", "200ms",
        "jdbc-read-journal.journal-sequence-retrieval.query-delay", "200ms"));
  }

  private static void relay(String base, String roomId, String secret, String events) throws Exception {
    byte[] body = ("{\"events\":[" + events + "]}").getBytes(StandardCharsets.UTF_8);
    long ts = System.currentTimeMillis() / 1000;
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/rooms/" + roomId
        + "/platform-events")).header("Shardcast-Destination", "tiktok").header("Shardcast-Timestamp", "" + ts)
        .header("Shardcast-Signature", PlatformSignature.sign(secret, roomId, "tiktok", ts, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  private static JsonNode platform(JsonNode numbers, String name) {
    for (JsonNode p : numbers.path("platforms")) {
      if (p.path("platform").asText().equals(name)) {
        return p;
      }
    }
    return null;
  }

  @Test
  void eachPlatformsNumbersAreCountedOnceAndAddUpToTheRoomsTotals() throws Exception {
    ShardcastNode.Running node = node();
    String base = "http://127.0.0.1:" + node.httpPort();
    Http created = createRoom(base, "{\"title\":\"numbers\"}");
    String roomId = created.body().get("roomId").asText();
    String token = created.body().get("hostToken").asText();
    String rooms = base + "/api/rooms/" + roomId;
    post(rooms + "/products", token, "{\"productId\":\"scarf\",\"name\":\"Scarf\",\"priceCents\":1500,\"stock\":50}");
    post(rooms + "/flash-sales", token,
        "{\"saleId\":\"s1\",\"productId\":\"scarf\",\"quantity\":10,\"perUserLimit\":2,\"revealInMs\":0}");
    post(rooms + "/coupons", token, "{\"couponId\":\"c1\",\"discountCents\":100,\"count\":10}");
    String secret = post(rooms + "/destinations", token, "{\"platform\":\"tiktok\",\"destinationId\":\"tiktok\","
        + "\"url\":\"rtmp://127.0.0.1:1/live\",\"streamKey\":\"k\"}").body().at("/created/chatSecret").asText();

    WsViewer viewer = WsViewer.connect("ws://127.0.0.1:" + node.viewerPort() + "/ws/rooms/" + roomId + "?user=alice");
    viewer.next("snapshot");
    viewer.send("{\"type\":\"comment\",\"text\":\"hello\"}");
    viewer.send("{\"type\":\"like\",\"count\":7}");
    viewer.send("{\"type\":\"gift\",\"gift\":\"rose\",\"count\":3}");
    viewer.next("gift");
    String[] buyers = {"u1", "u2", "u1"};
    for (int i = 0; i < buyers.length; i++) {
      Http order = post(rooms + "/orders", null, "{\"orderId\":\"o-" + i + "\",\"userId\":\"" + buyers[i]
          + "\",\"saleId\":\"s1\",\"quantity\":1}");
      assertEquals("CONFIRMED", order.body().path("result").asText(), order.body().toString());
    }
    post(rooms + "/coupons/c1/claim", null, "{\"userId\":\"u1\"}");
    relay(base, roomId, secret, "{\"id\":\"t1\",\"type\":\"comment\",\"user\":{\"id\":\"v1\"},\"text\":\"hi\"},"
        + "{\"id\":\"t2\",\"type\":\"comment\",\"user\":{\"id\":\"v2\"},\"text\":\"size?\"},"
        + "{\"id\":\"t3\",\"type\":\"like\",\"count\":40},"
        + "{\"id\":\"t4\",\"type\":\"viewers\",\"count\":120,\"joins\":150},"
        + "{\"id\":\"t5\",\"type\":\"order\",\"user\":{\"id\":\"v1\"},\"productId\":\"scarf\",\"quantity\":2,"
        + "\"priceCents\":1400}");

    JsonNode numbers = awaitValue("the numbers caught up", Duration.ofSeconds(30), () -> {
      JsonNode n = get(rooms + "/numbers", token).body();
      JsonNode room = platform(n, "room");
      return room != null && room.path("likes").asLong() == 7 && room.path("orders").asLong() == 3
          && platform(n, "tiktok") != null && platform(n, "tiktok").path("orders").asLong() == 1 ? n : null;
    });
    JsonNode room = platform(numbers, "room");
    JsonNode tiktok = platform(numbers, "tiktok");
    assertEquals(1, room.path("comments").asLong());
    assertEquals(3, room.path("gifts").asLong());
    assertEquals(1, room.path("claims").asLong());
    assertEquals(3, room.path("units").asLong());
    assertEquals(4500, room.path("revenueCents").asLong(), "three units at the sale's price");
    assertEquals(2, room.path("buyers").asLong(), "u1 twice is one buyer");
    assertEquals(2, tiktok.path("comments").asLong());
    assertEquals(40, tiktok.path("likes").asLong(), "the platform's likes, not counted as the room's own");
    assertEquals(120, tiktok.path("viewersPeak").asLong());
    assertEquals(150, tiktok.path("joins").asLong());
    assertEquals(2800, tiktok.path("revenueCents").asLong());
    assertEquals(1.0 / 150, tiktok.path("conversion").asDouble(), 0.0001, "buyers over the platform's audience");
    JsonNode totals = numbers.path("totals");
    assertEquals(3, totals.path("comments").asLong(), "the platforms add up to the room");
    assertEquals(47, totals.path("likes").asLong());
    assertEquals(47, get(rooms).body().path("likes").asLong(), "the room's own likes count is every platform's");
    assertEquals(4, totals.path("orders").asLong());
    assertEquals("s1", numbers.at("/sales/0/saleId").asText());
    assertTrue(numbers.at("/sales/0/openedAt").asLong() > 0, "the sale's moment, for the charts");
    assertEquals(2, numbers.path("products").size(), "scarf on the room and on tiktok");

    // Only the host and operators; CSV too.
    assertEquals(401, get(rooms + "/numbers").status());
    assertEquals(403, get(rooms + "/numbers", "not-the-token").status());
    assertEquals(200, get(base + "/api/ops/v1/rooms/" + roomId + "/numbers", OPS).status());
    HttpResponse<String> csv = HTTP.send(HttpRequest.newBuilder(URI.create(rooms + "/numbers?format=csv&table=platforms"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, csv.statusCode());
    assertTrue(csv.body().startsWith("platform,viewersPeak,"), csv.body());
    assertTrue(csv.body().contains("\ntiktok,120,"), csv.body());
    assertEquals(400, get(rooms + "/numbers?format=csv&table=nope", token).status());

    // Counted once: a restart reads on from the offset written with the numbers.
    node.stop();
    node = node();
    try {
      String again = "http://127.0.0.1:" + node.httpPort() + "/api/rooms/" + roomId;
      relay("http://127.0.0.1:" + node.httpPort(), roomId, secret,
          "{\"id\":\"t6\",\"type\":\"comment\",\"user\":{\"id\":\"v3\"},\"text\":\"after\"}");
      JsonNode after = awaitValue("the new comment counted", Duration.ofSeconds(30), () -> {
        JsonNode n = get(again + "/numbers", token).body();
        return platform(n, "tiktok").path("comments").asLong() == 3 ? n : null;
      });
      assertEquals(1, platform(after, "room").path("comments").asLong(), "nothing counted twice");
      assertEquals(4, after.path("totals").path("orders").asLong());
    } finally {
      node.stop();
    }
  }
}
