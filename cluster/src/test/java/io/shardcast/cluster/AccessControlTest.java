package io.shardcast.cluster;

import static io.shardcast.cluster.TestNodes.*;
import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.shardcast.cluster.access.OperatorTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A node whose viewers are a platform's signed users, and whose operators have scoped tokens:
 * every endpoint asks for the identity it needs, a viewer cannot act as another user, a sale's
 * order list is the host's and the operators', and every host and ops action leaves an audit line.
 */
class AccessControlTest {

  static final String SECRET = "the-platform-shares-this-secret-with-shardcast";
  static final String READER = "reader-token"; // ops:read only
  static final String METRICS = "scraper-token";
  static final String PLAY_SECRET = "the-nodes-sign-playback-urls-with-this";
  @TempDir static Path dataDir;
  static ShardcastNode.Running node;
  static String base;
  static String viewerBase;
  static String ws;
  static final ListAppender<ILoggingEvent> audit = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    Logger auditLogger = (Logger) LoggerFactory.getLogger("shardcast.audit");
    auditLogger.setLevel(Level.INFO);
    audit.start();
    auditLogger.addAppender(audit);
    node = TestNodes.start(dataDir, Map.of(
        "shardcast.access.viewers", "platform",
        "shardcast.access.platform.secret", SECRET,
        "shardcast.access.metrics.mode", "token",
        "shardcast.access.play.mode", "signed",
        "shardcast.access.play.secret", PLAY_SECRET,
        "shardcast.access.operators", List.of(
            Map.of("name", "dashboard", "sha256", OperatorTokens.hash(READER), "scopes", List.of("ops:read")),
            Map.of("name", "prometheus", "sha256", OperatorTokens.hash(METRICS), "scopes", List.of("metrics")))));
    base = "http://127.0.0.1:" + node.httpPort();
    viewerBase = "http://127.0.0.1:" + node.viewerPort();
    ws = "ws://127.0.0.1:" + node.viewerPort();
  }

  @AfterAll
  static void stop() {
    node.stop();
    ((Logger) LoggerFactory.getLogger("shardcast.audit")).detachAppender(audit);
  }

  static String viewerToken(String user, String audience, long expiresInMillis, String secret) throws Exception {
    long now = System.currentTimeMillis();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(user).audience(audience).issueTime(new Date(now - 1000))
        .expirationTime(new Date(now + expiresInMillis)).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  static String viewerToken(String user) throws Exception {
    return viewerToken(user, "shardcast", 3_600_000, SECRET);
  }

  record Room(String id, String host) {}

  /** A room (created by the operator: with platform viewers, rooms are the platform's to create) with a sale open. */
  static Room roomWithSale(String sale, int quantity) throws Exception {
    Http created = awaitValue("a room created", Duration.ofSeconds(60), () -> {
      Http r = post(base + "/api/rooms", OPS, "{\"title\":\"locked room\"}");
      return r.status() == 201 ? r : null;
    });
    Room room = new Room(created.body().path("roomId").asText(), created.body().path("hostToken").asText());
    String rooms = base + "/api/rooms/" + room.id();
    assertEquals(200, post(rooms + "/products", room.host(),
        "{\"productId\":\"p\",\"name\":\"Coat\",\"priceCents\":100,\"stock\":100}").status());
    assertEquals(200, post(rooms + "/flash-sales", room.host(), "{\"saleId\":\"" + sale
        + "\",\"productId\":\"p\",\"quantity\":" + quantity + ",\"perUserLimit\":2,\"revealInMs\":0}").status());
    return room;
  }

  static void assertCode(Http r, int status, String code) {
    assertEquals(status, r.status(), r.body().toString());
    assertEquals(code, r.body().path("code").asText(), r.body().toString());
  }

  static List<String> buyers(JsonNode saleOrders) {
    return java.util.stream.StreamSupport.stream(saleOrders.path("orders").spliterator(), false)
        .map(o -> o.path("userId").asText()).toList();
  }

  @Test
  void aViewerWhoNamesAnotherUserIsRefusedAndNothingIsRecordedForThatUser() throws Exception {
    Room room = roomWithSale("s", 10);
    String orders = "/api/rooms/" + room.id() + "/orders";
    String mallory = viewerToken("mallory");
    for (String at : List.of(base, viewerBase)) {
      assertCode(post(at + orders, mallory, "{\"orderId\":\"forged-" + at.length() + "\",\"userId\":\"alice\","
          + "\"saleId\":\"s\"}"), 403, "USER_MISMATCH");
    }
    assertCode(post(base + "/api/rooms/" + room.id() + "/coupons/c/claim", mallory, "{\"userId\":\"alice\"}"), 403,
        "USER_MISMATCH");
    // Her own orders are hers: the userId comes from the token (naming herself is fine too).
    assertEquals("CONFIRMED", post(viewerBase + orders, mallory, "{\"orderId\":\"m1\",\"saleId\":\"s\"}").body()
        .path("result").asText());
    assertEquals("CONFIRMED", post(base + orders, mallory, "{\"orderId\":\"m2\",\"userId\":\"mallory\","
        + "\"saleId\":\"s\"}").body().path("result").asText());

    JsonNode all = get(base + orders + "?saleId=s", room.host()).body();
    assertEquals(List.of("mallory", "mallory"), buyers(all), all.toString());
    JsonNode alices = get(base + orders + "/mine?saleId=s", viewerToken("alice")).body();
    assertEquals(0, alices.path("orders").size(), alices.toString());
    assertEquals(2, alices.path("sold").asInt(), "the sale's totals are public: " + alices);
    assertEquals(2, get(base + orders + "/mine?saleId=s", mallory).body().path("orders").size());
  }

  @Test
  void aTokenThePlatformDidNotSignForThisServiceNowIsRefusedWithACodeTheClientCanActOn() throws Exception {
    Room room = roomWithSale("t", 10);
    String orders = base + "/api/rooms/" + room.id() + "/orders";
    String body = "{\"orderId\":\"x\",\"saleId\":\"t\"}";
    assertCode(post(orders, null, body), 401, "TOKEN_MISSING");
    assertCode(post(orders, viewerToken("bob", "shardcast", -120_000, SECRET), body), 401, "TOKEN_EXPIRED");
    assertCode(post(orders, viewerToken("bob", "shardcast", 60_000, SECRET.replace('t', 'T')), body), 401,
        "TOKEN_INVALID");
    assertCode(post(orders, viewerToken("bob", "another-service", 60_000, SECRET), body), 403, "WRONG_AUDIENCE");
    String none = new PlainJWT(new JWTClaimsSet.Builder().subject("bob").audience("shardcast")
        .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 60_000)).build()).serialize();
    assertCode(post(orders, none, body), 401, "TOKEN_INVALID");
    assertCode(post(orders, "not a token at all", body), 401, "TOKEN_INVALID");
    assertEquals(0, get(orders + "?saleId=t", room.host()).body().path("orders").size(), "nothing was recorded");
  }

  @Test
  void aViewerSocketNeedsATokenAndItsCommentsCarryTheTokensUser() throws Exception {
    Room room = roomWithSale("w", 1);
    String socket = ws + "/ws/rooms/" + room.id();
    ExecutionException refused = assertThrows(ExecutionException.class, () -> WsViewer.connect(socket + "?user=carol"));
    assertEquals(401, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
    ExecutionException mismatch = assertThrows(ExecutionException.class,
        () -> WsViewer.connect(socket + "?user=dave&token=" + viewerToken("carol")));
    assertEquals(403, ((WebSocketHandshakeException) mismatch.getCause()).getResponse().statusCode());

    WsViewer carol = WsViewer.connect(socket + "?token=" + viewerToken("carol"));
    carol.next("snapshot");
    carol.send("{\"type\":\"comment\",\"text\":\"is it warm?\"}");
    assertEquals("carol", carol.next("comment").path("userId").asText());

    // An operator may watch (as shardcast ops events does) but not speak.
    WsViewer ops = WsViewer.connect(socket + "?token=" + READER);
    ops.next("snapshot");
    ops.send("{\"type\":\"comment\",\"text\":\"hello\"}");
    assertEquals("READ_ONLY", ops.next("error").path("code").asText());
  }

  @Test
  void buyingNoticesShowOtherViewersAMaskedBuyer() throws Exception {
    Room room = roomWithSale("n", 5);
    WsViewer watcher = WsViewer.connect(ws + "/ws/rooms/" + room.id() + "?token=" + viewerToken("watcher"));
    watcher.next("snapshot");
    assertEquals("CONFIRMED", post(base + "/api/rooms/" + room.id() + "/orders", viewerToken("buyer-0417"),
        "{\"orderId\":\"n1\",\"saleId\":\"n\"}").body().path("result").asText());
    JsonNode progress = watcher.next("saleProgress");
    assertEquals("bu***7", progress.path("justBought").get(0).asText(), progress.toString());
  }

  @Test
  void eachEndpointAsksForItsScope() throws Exception {
    Room room = roomWithSale("e", 1);
    // Public reads.
    assertEquals(200, get(base + "/api/rooms/" + room.id()).status());
    // Ops reads: an operator with ops:read; nobody else.
    for (String path : List.of("/api/cluster", "/api/autoscaler", "/api/rooms/" + room.id() + "/media")) {
      assertCode(get(base + path), 401, "TOKEN_MISSING");
      assertCode(get(base + path, viewerToken("eve")), 401, "TOKEN_INVALID");
      assertCode(get(base + path, METRICS), 403, "INSUFFICIENT_SCOPE");
      assertEquals(200, get(base + path, READER).status(), path);
    }
    // A sale's orders: the host or an operator; a viewer reads its own elsewhere.
    String orders = base + "/api/rooms/" + room.id() + "/orders?saleId=e";
    assertCode(get(orders), 401, "TOKEN_MISSING");
    assertCode(get(orders, viewerToken("eve")), 403, "FORBIDDEN");
    assertEquals(200, get(orders, room.host()).status());
    assertEquals(200, get(orders, READER).status());
    // Ops writes: ops:write only; refusals are audited too.
    String drain = base + "/api/autoscaler/nodes/drain";
    assertCode(post(drain, READER, "{\"node\":\"127.0.0.1:1\"}"), 403, "INSUFFICIENT_SCOPE");
    assertCode(post(drain, OPS, "{\"node\":\"127.0.0.1:1\"}"), 404, "UNKNOWN_NODE");
    // Rooms are created by the platform's back office (an operator with ops:write).
    assertCode(post(base + "/api/rooms", viewerToken("eve"), "{\"title\":\"mine\"}"), 401, "TOKEN_INVALID");
    assertCode(post(base + "/api/rooms", READER, "{\"title\":\"mine\"}"), 403, "INSUFFICIENT_SCOPE");
    // Metrics: the metrics scope (shardcast.access.metrics.mode = token).
    assertEquals(401, metricsStatus(null));
    assertEquals(403, metricsStatus(READER));
    assertEquals(200, metricsStatus(METRICS));

    List<String> lines = audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"who\":\"unverified\"") && l.contains("\"ops.node.drain\"")
        && l.contains("\"status\":403")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"who\":\"ops:ops\"") && l.contains("\"ops.node.drain\"")
        && l.contains("\"target\":\"127.0.0.1:1\"") && l.contains("\"code\":\"UNKNOWN_NODE\"")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"who\":\"host:" + room.id() + "\"")
        && l.contains("\"host.flash-sales\"") && l.contains("\"status\":200") && l.contains("\"remote\":\"127.0.0.1\"")),
        lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.contains(room.host()) || l.contains(OPS)), "no token is logged");
  }

  @Test
  void aBuyerHasABudgetAcrossConnections() throws Exception {
    Room room = roomWithSale("r", 100);
    String token = viewerToken("hasty");
    int limited = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 40; i++) {
      String at = i % 2 == 0 ? base : viewerBase; // two listeners, one budget
      Http r = post(at + "/api/rooms/" + room.id() + "/orders", token, "{\"orderId\":\"h" + i + "\",\"saleId\":\"r\"}");
      if (r.status() == 429) {
        assertEquals("RATE_LIMITED", r.body().path("code").asText());
        limited++;
      } else {
        assertEquals(200, r.status(), r.body().toString());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // A burst of 10, then 5 a second (shardcast.access.limits), whichever listener the orders came to.
    int passed = 40 - limited;
    assertTrue(passed <= 10 + 5 * seconds + 1, passed + " orders passed in " + seconds + " s");
    assertTrue(passed >= 10, passed + " orders passed");
  }

  @Test
  void joinHandsOutASignedPlaybackQueryAndTheViewerUrlAsksForAToken() throws Exception {
    Room room = roomWithSale("j", 1);
    JsonNode join = awaitValue("the node has reported and takes viewers", Duration.ofSeconds(20), () -> {
      Http r = get(base + "/api/rooms/" + room.id() + "/join");
      return r.status() == 200 ? r.body() : null;
    });
    assertTrue(join.path("ws").asText().endsWith("?token=<viewer token>"), join.toString());
    java.util.Map<String, String> play = io.shardcast.wire.QueryString.parse(join.path("play").asText());
    io.shardcast.media.play.SignedPlayUrl urls = new io.shardcast.media.play.SignedPlayUrl(
        PLAY_SECRET.getBytes(StandardCharsets.UTF_8), null);
    long now = System.currentTimeMillis();
    assertNull(urls.check(room.id(), play, now), "the query plays the room: " + join);
    assertNotNull(urls.check("another-room", play, now), "and only that room");
    assertEquals("PLAY_EXPIRED", urls.check(room.id(), play, now + Duration.ofMinutes(11).toMillis()).code(),
        "for shardcast.access.play.ttl (10 min)");
  }

  static int metricsStatus(String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/metrics"));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
