package io.shardcast.cluster;

import static io.shardcast.cluster.TestNodes.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API and the viewer WebSocket of one real node, driven by real HTTP and WebSocket clients. */
class GatewayTest {

  @TempDir static Path dataDir;
  static ShardcastNode.Running node;
  static String base;
  static String ws;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(dataDir, Map.of());
    base = "http://127.0.0.1:" + node.httpPort();
    ws = "ws://127.0.0.1:" + node.viewerPort();
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  private record Room(String id, String token) {}

  private Room room() throws Exception {
    Http r = post(base + "/api/rooms", null, "{\"title\":\"test room\"}");
    assertEquals(201, r.status(), r.body().toString());
    Room room = new Room(r.body().get("roomId").asText(), r.body().get("hostToken").asText());
    assertEquals(200, post(base + "/api/rooms/" + room.id + "/products", room.token,
        "{\"productId\":\"p1\",\"name\":\"Lipstick\",\"priceCents\":1999,\"stock\":100}").status());
    return room;
  }

  private static void assertError(Http r, int status, String code) {
    assertEquals(status, r.status(), r.body().toString());
    assertEquals("error", r.body().path("type").asText(), r.body().toString());
    assertEquals(code, r.body().path("code").asText(), r.body().toString());
  }

  @Test
  void hostOperationsNeedTheRoomsHostToken() throws Exception {
    Room room = room();
    String url = base + "/api/rooms/" + room.id + "/announcements";
    assertError(post(url, null, "{\"text\":\"hi\"}"), 401, "UNAUTHORIZED");
    assertError(post(url, "not-the-token", "{\"text\":\"hi\"}"), 403, "FORBIDDEN");
    Room other = room();
    assertError(post(url, other.token, "{\"text\":\"hi\"}"), 403, "FORBIDDEN");
    assertEquals(200, post(url, room.token, "{\"text\":\"hi\"}").status());
  }

  @Test
  void badRestInputGetsAClearJsonError() throws Exception {
    Room room = room();
    String rooms = base + "/api/rooms/" + room.id;
    assertError(post(base + "/api/rooms", null, "{not json"), 400, "BAD_JSON");
    assertError(post(base + "/api/rooms", null, "[1,2]"), 400, "BAD_JSON");
    assertError(post(rooms + "/products", room.token, "{\"productId\":\"p2\",\"name\":\"x\",\"stock\":-5}"), 400,
        "BAD_REQUEST");
    assertError(post(rooms + "/flash-sales", room.token,
        "{\"saleId\":\"s\",\"productId\":\"p1\",\"quantity\":-1,\"revealInMs\":0}"), 400, "BAD_REQUEST");
    assertError(post(rooms + "/orders", null,
        "{\"orderId\":\"o1\",\"userId\":\"u\",\"saleId\":\"s\",\"quantity\":-2}"), 400, "BAD_QUANTITY");
    assertError(post(rooms + "/orders", null, "{\"orderId\":\"o 1\",\"userId\":\"u\",\"saleId\":\"s\"}"), 400,
        "BAD_REQUEST");
    assertError(get(base + "/api/rooms/no-such-room"), 404, "ROOM_NOT_FOUND");
    assertError(get(base + "/api/rooms/bad%20id"), 400, "BAD_ROOM_ID");
    assertError(get(base + "/api/nothing-here"), 404, "HTTP_404");
    String huge = "{\"title\":\"" + "x".repeat(70_000) + "\"}";
    assertEquals(413, post(base + "/api/rooms", null, huge).status());
    // The room is untouched by all of that.
    assertEquals(100, get(rooms).body().path("products").get(0).path("stock").asInt());
  }

  @Test
  void ordersAreAnsweredAndListed() throws Exception {
    Room room = room();
    String rooms = base + "/api/rooms/" + room.id;
    assertEquals(200, post(rooms + "/flash-sales", room.token,
        "{\"saleId\":\"s1\",\"productId\":\"p1\",\"quantity\":2,\"perUserLimit\":1,\"revealInMs\":0}").status());
    assertEquals("CONFIRMED", post(rooms + "/orders", null,
        "{\"orderId\":\"a\",\"userId\":\"u1\",\"saleId\":\"s1\"}").body().path("result").asText());
    assertEquals("LIMIT_REACHED", post(rooms + "/orders", null,
        "{\"orderId\":\"b\",\"userId\":\"u1\",\"saleId\":\"s1\"}").body().path("result").asText());
    assertEquals("UNKNOWN_SALE", post(rooms + "/orders", null,
        "{\"orderId\":\"c\",\"userId\":\"u2\",\"saleId\":\"nope\"}").body().path("result").asText());
    JsonNode orders = get(rooms + "/orders?saleId=s1").body();
    assertEquals(1, orders.path("orders").size());
    assertEquals("a", orders.path("orders").get(0).path("orderId").asText());
    // Prometheus metrics count the answers by result (Kamon reports once a second).
    String metrics = "";
    long deadline = System.currentTimeMillis() + 10_000;
    while (!metrics.contains("shardcast_orders_total{result=\"CONFIRMED\"") && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
      metrics = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }
    assertTrue(metrics.contains("shardcast_orders_total{result=\"CONFIRMED\""), metrics);
    assertTrue(metrics.contains("shardcast_viewers"), metrics);
  }

  @Test
  void aSoldOutSaleIsAnsweredByTheGatewayExactlyAsTheRoomWould() throws Exception {
    Room room = room();
    String orders = base + "/api/rooms/" + room.id + "/orders";
    assertEquals(200, post(base + "/api/rooms/" + room.id + "/flash-sales", room.token,
        "{\"saleId\":\"s1\",\"productId\":\"p1\",\"quantity\":2,\"perUserLimit\":2,\"revealInMs\":0}").status());
    assertEquals("CONFIRMED", post(orders, null, "{\"orderId\":\"a\",\"userId\":\"u1\",\"saleId\":\"s1\"}")
        .body().path("result").asText());
    assertEquals("CONFIRMED", post(orders, null, "{\"orderId\":\"b\",\"userId\":\"u2\",\"saleId\":\"s1\"}")
        .body().path("result").asText());
    // Ask the same questions until the gateway answers from its hint; every answer must be the room's.
    long deadline = System.currentTimeMillis() + 10_000;
    boolean fromHint = false;
    for (int round = 0; !fromHint || round < 3; round++) {
      assertTrue(System.currentTimeMillis() < deadline, "the gateway never answered from a sold-out hint");
      assertEquals("SOLD_OUT", post(orders, null, "{\"orderId\":\"c" + round + "\",\"userId\":\"u3\",\"saleId\":\"s1\"}")
          .body().path("result").asText());
      JsonNode again = post(orders, null,
          "{\"orderId\":\"a\",\"userId\":\"someone-else\",\"saleId\":\"s1\",\"quantity\":2}").body();
      assertEquals("CONFIRMED", again.path("result").asText(), "a repeated orderId keeps its confirmation");
      assertEquals("u1", again.path("userId").asText());
      assertEquals(1, again.path("quantity").asInt());
      assertEquals("LIMIT_REACHED", post(orders, null,
          "{\"orderId\":\"d" + round + "\",\"userId\":\"u1\",\"saleId\":\"s1\",\"quantity\":2}").body().path("result").asText());
      assertError(post(orders, null, "{\"orderId\":\"e\",\"userId\":\"u4\",\"saleId\":\"s1\",\"quantity\":99}"),
          400, "BAD_QUANTITY");
      String metrics = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      fromHint = metrics.lines().anyMatch(l -> l.startsWith("shardcast_orders_sold_out_hint_total") && !l.endsWith(" 0.0"));
      Thread.sleep(200);
    }
    assertEquals(2, get(orders + "?saleId=s1").body().path("orders").size(), "nothing more was sold");
  }

  @Test
  void badViewerMessagesGetErrorFramesAndTheConnectionStaysOpen() throws Exception {
    Room room = room();
    WsViewer alice = WsViewer.connect(ws + "/ws/rooms/" + room.id + "?user=alice");
    WsViewer bob = WsViewer.connect(ws + "/ws/rooms/" + room.id + "?user=bob");
    assertEquals("snapshot", alice.next().path("type").asText());
    assertEquals("snapshot", bob.next().path("type").asText());

    alice.send("{nope");
    assertEquals("BAD_JSON", alice.next("error").path("code").asText());
    alice.send("{\"type\":\"teleport\"}");
    assertEquals("UNKNOWN_TYPE", alice.next("error").path("code").asText());
    alice.send("{\"type\":\"comment\",\"text\":\"" + "x".repeat(9000) + "\"}");
    assertEquals("FRAME_TOO_LARGE", alice.next("error").path("code").asText());
    alice.send("{\"type\":\"comment\",\"text\":\"" + "y".repeat(201) + "\"}");
    assertEquals("COMMENT_TOO_LONG", alice.next("error").path("code").asText());
    alice.send("{\"type\":\"like\",\"count\":-4}");
    assertEquals("BAD_LIKE", alice.next("error").path("code").asText());
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      alice.send("{\"type\":\"comment\",\"text\":\"spam " + i + "\"}");
    }
    long deadline = System.currentTimeMillis() + 5000;
    while (!codes.contains("RATE_LIMITED") && System.currentTimeMillis() < deadline) {
      JsonNode f = alice.frames.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (f != null && f.path("type").asText().equals("error")) {
        codes.add(f.path("code").asText());
      }
    }
    assertTrue(codes.contains("RATE_LIMITED"), "comment flood is rate limited: " + codes);

    // Still open, and bob (another viewer) is unaffected: both see bob's comment.
    Thread.sleep(2500); // let alice's comment bucket refill
    bob.send("{\"type\":\"comment\",\"text\":\"still here\"}");
    JsonNode seenByBob = nextComment(bob, "still here");
    JsonNode seenByAlice = nextComment(alice, "still here");
    assertEquals(seenByBob.path("seq").asLong(), seenByAlice.path("seq").asLong());
    assertFalse(alice.closed);
    alice.send("{\"type\":\"ping\"}");
    assertEquals("pong", alice.next("pong").path("type").asText());
  }

  private static JsonNode nextComment(WsViewer v, String text) throws InterruptedException {
    while (true) {
      JsonNode f = v.next("comment");
      if (f.path("text").asText().equals(text)) {
        return f;
      }
    }
  }

  @Test
  void viewersOfUnknownRoomsOrWithoutAUserAreRefusedBeforeTheUpgrade() {
    ExecutionException unknown = assertThrows(ExecutionException.class,
        () -> WsViewer.connect(ws + "/ws/rooms/no-such-room?user=alice"));
    assertEquals(404, ((WebSocketHandshakeException) unknown.getCause()).getResponse().statusCode());
    ExecutionException noUser = assertThrows(ExecutionException.class,
        () -> WsViewer.connect(ws + "/ws/rooms/whatever"));
    assertEquals(400, ((WebSocketHandshakeException) noUser.getCause()).getResponse().statusCode());
  }

  @Test
  void aViewerWhoReconnectsWithSinceGetsExactlyTheMissedEvents() throws Exception {
    Room room = room();
    String announce = base + "/api/rooms/" + room.id + "/announcements";
    WsViewer keeper = WsViewer.connect(ws + "/ws/rooms/" + room.id + "?user=keeper");
    keeper.next("snapshot");
    WsViewer v = WsViewer.connect(ws + "/ws/rooms/" + room.id + "?user=carol");
    v.next("snapshot");
    post(announce, room.token, "{\"text\":\"one\"}");
    long seen = v.next("announcement").path("seq").asLong();
    v.ws.abort();
    for (String t : List.of("two", "three", "four")) {
      post(announce, room.token, "{\"text\":\"" + t + "\"}");
    }
    WsViewer back = WsViewer.connect(ws + "/ws/rooms/" + room.id + "?user=carol&since=" + seen);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonNode f = back.next();
      assertNotEquals("snapshot", f.path("type").asText(), "resumed, not reset");
      assertEquals(seen + 1 + i, f.path("seq").asLong());
      texts.add(f.path("text").asText());
    }
    assertEquals(List.of("two", "three", "four"), texts);
  }
}
