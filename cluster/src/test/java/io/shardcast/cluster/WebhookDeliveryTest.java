package io.shardcast.cluster;

import static io.shardcast.cluster.TestNodes.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.shardcast.room.platform.PlatformSignature;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks to a back office from a real node's journal: every order, claim and sale moment arrives
 * signed, in each room's order, through a subscriber that is down at first and a node restarted
 * mid-show; the ops API shows the deliveries caught up.
 */
class WebhookDeliveryTest {

  static final String SECRET = "backoffice-secret-0123456789";
  @TempDir static Path dataDir;
  static HttpServer backOffice;
  /** Deliveries as received (after the subscriber's failures): id, type, room, body. */
  static final List<JsonNode> received = new CopyOnWriteArrayList<>();
  static final AtomicInteger failNext = new AtomicInteger();
  static final AtomicInteger badSignatures = new AtomicInteger();

  @BeforeAll
  static void startBackOffice() throws Exception {
    backOffice = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    backOffice.createContext("/hooks", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
        return;
      }
      JsonNode event = JSON.readTree(body);
      long ts = Long.parseLong(exchange.getRequestHeaders().getFirst("Shardcast-Timestamp"));
      if (!PlatformSignature.verify(SECRET, event.path("roomId").asText(), "default", ts, body,
          exchange.getRequestHeaders().getFirst("Shardcast-Signature"))
          || !event.path("id").asText().equals(exchange.getRequestHeaders().getFirst("Idempotency-Key"))) {
        badSignatures.incrementAndGet();
      }
      received.add(event);
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    backOffice.start();
  }

  @AfterAll
  static void stopBackOffice() {
    backOffice.stop(0);
  }

  private static ShardcastNode.Running node() throws Exception {
    return TestNodes.start(dataDir, Map.of(
        "shardcast.webhooks.url", "http://127.0.0.1:" + backOffice.getAddress().getPort() + "/hooks",
        "shardcast.webhooks.secret", SECRET,
        "shardcast.webhooks.min-backoff", "50ms",
        "shardcast.webhooks.max-backoff", "200ms",
        "jdbc-read-journal.refresh-interval", "200ms",
        "jdbc-read-journal.journal-sequence-retrieval.query-delay", "200ms"));
  }

  private record Room(String id, String token) {}

  private static Room saleRoom(String base, int quantity) throws Exception {
    Http r = createRoom(base, "{\"title\":\"webhooks\"}");
    Room room = new Room(r.body().get("roomId").asText(), r.body().get("hostToken").asText());
    String rooms = base + "/api/rooms/" + room.id;
    assertEquals(200, post(rooms + "/products", room.token,
        "{\"productId\":\"p1\",\"name\":\"Scarf\",\"priceCents\":999,\"stock\":100}").status());
    assertEquals(200, post(rooms + "/flash-sales", room.token,
        "{\"saleId\":\"s1\",\"productId\":\"p1\",\"quantity\":" + quantity + ",\"perUserLimit\":1,\"revealInMs\":0}")
        .status());
    assertEquals(200, post(rooms + "/coupons", room.token, "{\"couponId\":\"c1\",\"discountCents\":100,\"count\":50}")
        .status());
    return room;
  }

  private static void buyAndClaim(String base, Room room, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      Http order = post(base + "/api/rooms/" + room.id + "/orders", null,
          "{\"orderId\":\"o" + i + "\",\"userId\":\"u" + i + "\",\"saleId\":\"s1\"}");
      assertEquals(200, order.status(), order.body().toString());
      assertEquals(200, post(base + "/api/rooms/" + room.id + "/coupons/c1/claim", null,
          "{\"userId\":\"u" + i + "\"}").status());
    }
  }

  /** The distinct deliveries of a room, by id, in the order they first arrived. */
  private static Map<String, JsonNode> of(Room room) {
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    for (JsonNode e : received) {
      if (e.path("roomId").asText().equals(room.id)) {
        byId.putIfAbsent(e.path("id").asText(), e);
      }
    }
    return byId;
  }

  @Test
  void everyOrderClaimAndSaleMomentArrivesSignedInEachRoomsOrderThroughAFailingSubscriberAndARestart()
      throws Exception {
    failNext.set(5); // the back office is down for the first deliveries
    ShardcastNode.Running node = node();
    String base = "http://127.0.0.1:" + node.httpPort();
    Room a = saleRoom(base, 8);
    Room b = saleRoom(base, 100);
    buyAndClaim(base, a, 0, 5);
    buyAndClaim(base, b, 0, 5);
    await("some deliveries made before the node stops", Duration.ofSeconds(30), () -> of(a).size() >= 5);
    node.stop(); // mid-show: what was delivered, saved or not, and what was not yet, must all arrive

    node = node();
    base = "http://127.0.0.1:" + node.httpPort();
    try {
      buyAndClaim(base, a, 5, 10); // 3 of these sell the sale out; 2 are SOLD_OUT and no webhook
      buyAndClaim(base, b, 5, 10);
      String ops = base + "/api/ops/v1/webhooks";
      JsonNode status = awaitValue("the deliveries caught up", Duration.ofSeconds(60), () -> {
        JsonNode s = get(ops, OPS).body();
        return s.at("/subscribers/0/behind").asLong(-1) == 0 && of(a).size() == 1 + 1 + 8 + 10 + 1
            && of(b).size() == 1 + 1 + 10 + 10 ? s : null;
      });
      assertEquals("default", status.at("/subscribers/0/name").asText());
      assertTrue(status.at("/subscribers/0/delivered").asLong() >= 42, status.toString());
      assertEquals(0, badSignatures.get(), "every delivery signed with the subscriber's secret, keyed by its id");

      // Room a: announced, opened, 8 orders, 10 claims, sold out, in the room's order (its journal's).
      List<String> types = new ArrayList<>();
      long lastSeq = 0;
      for (JsonNode e : of(a).values()) {
        long seq = Long.parseLong(e.path("id").asText().substring(a.id.length() + 1));
        assertTrue(seq > lastSeq, "in the room's order: " + of(a).keySet());
        lastSeq = seq;
        types.add(e.path("type").asText());
      }
      assertEquals("sale.announced", types.get(0));
      assertEquals("sale.opened", types.get(1));
      assertEquals(8, types.stream().filter("order.confirmed"::equals).count(), "every confirmed order, once");
      assertEquals(10, types.stream().filter("coupon.claimed"::equals).count());
      assertEquals(1, types.stream().filter("sale.soldOut"::equals).count());
      Set<String> orders = new HashSet<>();
      of(a).values().stream().filter(e -> e.path("type").asText().equals("order.confirmed"))
          .forEach(e -> orders.add(e.at("/data/orderId").asText()));
      JsonNode journal = get(base + "/api/rooms/" + a.id + "/orders?saleId=s1", a.token).body();
      Set<String> confirmed = new HashSet<>();
      journal.path("orders").forEach(o -> confirmed.add(o.path("orderId").asText()));
      assertEquals(confirmed, orders, "the delivered orders are the journal's");
      assertEquals(10, of(b).values().stream().filter(e -> e.path("type").asText().equals("order.confirmed")).count());
    } finally {
      node.stop();
    }
  }
}
