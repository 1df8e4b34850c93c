package io.shardcast.cluster;

import static io.shardcast.cluster.TestNodes.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** A viewer's comment burst (as in reference.conf); the rate is set so low here that none refills during a test. */
  static final int COMMENT_BURST = 5;

  /** /metrics samples: orders answered CONFIRMED, and orders of sold-out sales answered from a gateway's hint. */
  static final String CONFIRMED = "shardcast_orders_total{result=\"CONFIRMED\"";
  static final String FROM_HINT = "shardcast_orders_sold_out_hint_total";

  @BeforeAll
  static void start() throws Exception {
    // The sold-out test asks as the same users many times a second: the per-user budgets
    // (AccessControlTest) would answer it instead of the room.
    node = TestNodes.start(dataDir, Map.of("shardcast.gateway.viewer-comment-burst", COMMENT_BURST,
        "shardcast.gateway.viewer-comments-per-second", 0.001,
        "shardcast.access.limits.orders-per-user-per-second", 10_000,
        "shardcast.access.limits.order-burst-per-user", 10_000));
    base = "http://127.0.0.1:" + node.httpPort();
    ws = "ws://127.0.0.1:" + node.viewerPort();
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  private record Room(String id, String token) {}

  private Room room() throws Exception {
    Http r = createRoom(base, "{\"title\":\"test room\"}");
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
  void theClusterViewNamesTheOldestMemberWhichHostsTheSingletons() throws Exception {
    JsonNode cluster = TestNodes.awaitValue("the node is an Up member", Duration.ofSeconds(20), () -> {
      JsonNode c = get(base + "/api/cluster", TestNodes.OPS).body();
      return c.path("oldest").isTextual() ? c : null;
    });
    assertEquals(cluster.path("self").asText(), cluster.path("oldest").asText(), "a one-node cluster: " + cluster);
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
  void aProductsFactsAndTheShopsPoliciesAreTakenAndTheirShapeChecked() throws Exception {
    Room room = room();
    String rooms = base + "/api/rooms/" + room.id;
    Http added = post(rooms + "/products", room.token, "{\"productId\":\"scarf\",\"name\":\"Silk scarf\","
        + "\"priceCents\":1500,\"stock\":3,\"attributes\":{\"material\":\"silk\"},\"variants\":["
        + "{\"variantId\":\"m\",\"size\":\"M\",\"stock\":3},{\"variantId\":\"xl\",\"size\":\"XL\",\"stock\":0}],"
        + "\"faq\":[{\"q\":\"有大码吗\",\"a\":\"有 XL\"}]}");
    assertEquals(200, added.status(), added.body().toString());
    JsonNode scarf = null;
    for (JsonNode p : get(rooms).body().path("products")) {
      if (p.path("productId").asText().equals("scarf")) {
        scarf = p;
      }
    }
    assertNotNull(scarf);
    assertEquals("silk", scarf.at("/attributes/material").asText());
    assertEquals(0, scarf.at("/variants/1/stock").asInt());
    assertEquals(200, put(rooms + "/policies", room.token, "{\"shipping\":\"顺丰包邮\",\"returns\":\"7 days\"}")
        .status());
    assertEquals("顺丰包邮", get(rooms).body().at("/policies/shipping").asText());
    assertError(put(rooms + "/policies", null, "{\"shipping\":\"x\"}"), 401, "UNAUTHORIZED");
    assertError(put(rooms + "/policies", room.token, "{}"), 400, "BAD_REQUEST");
    assertError(put(rooms + "/policies", room.token, "{\"shipping\":5}"), 400, "BAD_REQUEST");
    assertError(post(rooms + "/products", room.token, "{\"productId\":\"p3\",\"name\":\"x\",\"attributes\":[1]}"),
        400, "BAD_REQUEST");
    assertError(post(rooms + "/products", room.token, "{\"productId\":\"p3\",\"name\":\"x\","
        + "\"variants\":[{\"variantId\":\"a\"}]}"), 400, "BAD_REQUEST");
    assertError(post(rooms + "/products", room.token, "{\"productId\":\"p3\",\"name\":\"x\","
        + "\"faq\":[{\"q\":\"?\"}]}"), 400, "BAD_REQUEST");
  }

  private static Http put(String url, String token, String body) throws Exception {
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
        .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    java.net.http.HttpResponse<String> r = TestNodes.HTTP.send(b.build(), java.net.http.HttpResponse.BodyHandlers
        .ofString());
    return new Http(r.statusCode(), TestNodes.JSON.readTree(r.body()));
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
    double confirmedBefore = metric(CONFIRMED);
    assertEquals(200, post(rooms + "/flash-sales", room.token,
        "{\"saleId\":\"s1\",\"productId\":\"p1\",\"quantity\":2,\"perUserLimit\":1,\"revealInMs\":0}").status());
    assertEquals("CONFIRMED", post(rooms + "/orders", null,
        "{\"orderId\":\"a\",\"userId\":\"u1\",\"saleId\":\"s1\"}").body().path("result").asText());
    assertEquals("LIMIT_REACHED", post(rooms + "/orders", null,
        "{\"orderId\":\"b\",\"userId\":\"u1\",\"saleId\":\"s1\"}").body().path("result").asText());
    assertEquals("UNKNOWN_SALE", post(rooms + "/orders", null,
        "{\"orderId\":\"c\",\"userId\":\"u2\",\"saleId\":\"nope\"}").body().path("result").asText());
    JsonNode orders = get(rooms + "/orders?saleId=s1", room.token).body();
    assertEquals(1, orders.path("orders").size());
    assertEquals("a", orders.path("orders").get(0).path("orderId").asText());
    // Prometheus metrics count the answers by result (Kamon publishes them once a second; its
    // counters are the JVM's, so count from what they said before).
    await("/metrics counts the confirmed order", Duration.ofSeconds(10), () -> metric(CONFIRMED) > confirmedBefore);
    assertTrue(metrics().contains("shardcast_viewers"), metrics());
  }

  private static String metrics() throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The sum of the /metrics samples whose line starts with {@code prefix}, as Kamon last published them. */
  private static double metric(String prefix) throws Exception {
    return metrics().lines().filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
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
    // The first SOLD_OUT makes the gateway fetch the sale's hint. Ask the same questions until
    // /metrics shows answers from the hint (the counter is the JVM's: count from what it says now);
    // every answer, from the room or from the hint, is the room's.
    double fromHintBefore = metric(FROM_HINT);
    AtomicInteger round = new AtomicInteger();
    await("the gateway answers a sold-out sale's orders from its hint", Duration.ofSeconds(10), () -> {
      askWhatASoldOutSaleIsAsked(orders, round.getAndIncrement());
      return metric(FROM_HINT) > fromHintBefore;
    });
    // The hint, once fetched, answers every later order of the sale: this round is the hint's alone.
    askWhatASoldOutSaleIsAsked(orders, round.getAndIncrement());
    assertEquals(2, get(orders + "?saleId=s1", room.token).body().path("orders").size(), "nothing more was sold");
  }

  /** Questions about sale s1 (2 units, at most 2 a user, sold to u1 and u2), each with the room's answer. */
  private static void askWhatASoldOutSaleIsAsked(String orders, int round) throws Exception {
    assertEquals("SOLD_OUT", post(orders, null, "{\"orderId\":\"c" + round + "\",\"userId\":\"u3\",\"saleId\":\"s1\"}")
        .body().path("result").asText());
    JsonNode again = post(orders, null,
        "{\"orderId\":\"a\",\"userId\":\"someone-else\",\"saleId\":\"s1\",\"quantity\":2}").body();
    assertEquals("CONFIRMED", again.path("result").asText(), "a repeated orderId keeps its confirmation");
    assertEquals("u1", again.path("userId").asText());
    assertEquals(1, again.path("quantity").asInt());
    assertEquals("LIMIT_REACHED", post(orders, null,
        "{\"orderId\":\"d" + round + "\",\"userId\":\"u1\",\"saleId\":\"s1\",\"quantity\":2}")
        .body().path("result").asText());
    assertError(post(orders, null, "{\"orderId\":\"e\",\"userId\":\"u4\",\"saleId\":\"s1\",\"quantity\":99}"),
        400, "BAD_QUANTITY");
  }

  @Test
  void badMessagesAndCommentsPastTheBurstGetErrorFramesOnAConnectionThatStaysOpen() throws Exception {
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
    // A flood of comments: the burst is shown, the rest refused (the node's comment rate is so low
    // that no comment refills however slowly this machine sends them).
    int flood = COMMENT_BURST + 3;
    for (int i = 0; i < flood; i++) {
      alice.send("{\"type\":\"comment\",\"text\":\"spam " + i + "\"}");
    }
    List<String> codes = new ArrayList<>();
    List<JsonNode> seenByAlice = new ArrayList<>();
    while (codes.size() < flood - COMMENT_BURST) {
      JsonNode f = alice.next();
      switch (f.path("type").asText()) {
        case "error" -> codes.add(f.path("code").asText());
        case "comment" -> seenByAlice.add(f);
        default -> { }
      }
    }
    assertEquals(List.of("RATE_LIMITED", "RATE_LIMITED", "RATE_LIMITED"), codes, "the comments past the burst");

    // Still open, and bob (another viewer) is unaffected: both see his comment, after exactly the
    // comments of alice's that were let through.
    bob.send("{\"type\":\"comment\",\"text\":\"still here\"}");
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < COMMENT_BURST; i++) {
      shown.add("spam " + i);
    }
    shown.add("still here");
    List<JsonNode> seenByBob = commentsUpTo(bob, "still here");
    seenByAlice.addAll(commentsUpTo(alice, "still here"));
    assertEquals(shown, texts(seenByBob));
    assertEquals(shown, texts(seenByAlice));
    assertEquals(seenByBob.get(COMMENT_BURST).path("seq").asLong(),
        seenByAlice.get(COMMENT_BURST).path("seq").asLong());
    assertFalse(alice.closed);
    alice.send("{\"type\":\"ping\"}");
    assertEquals("pong", alice.next("pong").path("type").asText());
  }

  /** The comments {@code v} has been sent, in order, up to and including the one saying {@code text}. */
  private static List<JsonNode> commentsUpTo(WsViewer v, String text) throws InterruptedException {
    List<JsonNode> comments = new ArrayList<>();
    while (comments.isEmpty() || !comments.get(comments.size() - 1).path("text").asText().equals(text)) {
      comments.add(v.next("comment"));
    }
    return comments;
  }

  private static List<String> texts(List<JsonNode> comments) {
    List<String> texts = new ArrayList<>();
    for (JsonNode c : comments) {
      texts.add(c.path("text").asText());
    }
    return texts;
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
