package io.shardcast.cluster;

import static io.shardcast.cluster.TestNodes.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.shardcast.room.platform.PlatformSignature;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One chat across platforms through a real node's API: a relay posts signed platform events, a
 * viewer's WebSocket gets them in the room's sequence beside local comments, the host replies and
 * the relay receives it signed; unsigned, wrongly signed, stale, replayed, malformed and oversized
 * requests get a clear status and leave the room as it was.
 */
class PlatformChatGatewayTest {

  @TempDir static Path dataDir;
  static ShardcastNode.Running node;
  static String base;
  static HttpServer relay;
  static final BlockingQueue<String[]> replies = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(dataDir, Map.of());
    base = "http://127.0.0.1:" + node.httpPort();
    relay = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    relay.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      replies.add(new String[] {exchange.getRequestHeaders().getFirst("Shardcast-Timestamp"),
          exchange.getRequestHeaders().getFirst("Shardcast-Signature"), new String(body, StandardCharsets.UTF_8)});
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    relay.start();
  }

  @AfterAll
  static void stop() {
    relay.stop(0);
    node.stop();
  }

  /** A relay's POST, signed with {@code secret} at {@code timestamp} unless {@code signature} is given. */
  private static Http relayPost(String roomId, String destination, String secret, long timestamp, String body,
      String signature) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/rooms/" + roomId + "/platform-events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    if (destination != null) {
      b.header("Shardcast-Destination", destination).header("Shardcast-Timestamp", Long.toString(timestamp))
          .header("Shardcast-Signature", signature != null ? signature
              : PlatformSignature.sign(secret, roomId, destination, timestamp, bytes));
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Http(r.statusCode(), JSON.readTree(r.body()));
  }

  private static String comments(String... idUserText) {
    StringBuilder b = new StringBuilder("{\"events\":[");
    for (int i = 0; i < idUserText.length; i += 3) {
      b.append(i == 0 ? "" : ",").append("{\"id\":\"").append(idUserText[i]).append("\",\"type\":\"comment\",")
          .append("\"user\":{\"id\":\"").append(idUserText[i + 1]).append("\",\"name\":\"Lily\"},\"text\":\"")
          .append(idUserText[i + 2]).append("\"}");
    }
    return b.append("]}").toString();
  }

  private static void assertError(Http r, int status, String code) {
    assertEquals(status, r.status(), r.body().toString());
    assertEquals(code, r.body().path("code").asText(), r.body().toString());
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  @Test
  void aRelaysSignedCommentsReachViewersInTheRoomsOrderAndTheHostsReplyReachesTheRelay() throws Exception {
    Http created = createRoom(base, "{\"title\":\"across platforms\"}");
    String roomId = created.body().get("roomId").asText();
    String token = created.body().get("hostToken").asText();
    String rooms = base + "/api/rooms/" + roomId;
    String relayUrl = "http://127.0.0.1:" + relay.getAddress().getPort() + "/replies";
    Http added = post(rooms + "/destinations", token, "{\"platform\":\"tiktok\",\"url\":\"rtmp://127.0.0.1:1/live\","
        + "\"streamKey\":\"k\",\"replyUrl\":\"" + relayUrl + "\"}");
    assertEquals(201, added.status(), added.body().toString());
    String secret = added.body().at("/created/chatSecret").asText();
    assertEquals("tiktok", added.body().at("/created/destinationId").asText());
    assertTrue(secret.length() >= 32, "a chat secret made for the host, shown once: " + added.body());
    Http listed = get(rooms + "/destinations", token);
    assertFalse(listed.body().toString().contains(secret), "never shown again: " + listed.body());
    assertTrue(listed.body().at("/destinations/0/chat").asBoolean(), listed.body().toString());

    WsViewer viewer = WsViewer.connect("ws://127.0.0.1:" + node.viewerPort() + "/ws/rooms/" + roomId + "?user=alice");
    viewer.next("snapshot");
    viewer.send("{\"type\":\"comment\",\"text\":\"hello from the room\"}");
    JsonNode local = viewer.next("comment");
    Http accepted = relayPost(roomId, "tiktok", secret, now(), comments("t-1", "u9", "is the red one in stock?"), null);
    assertEquals(200, accepted.status(), accepted.body().toString());
    assertEquals(1, accepted.body().path("accepted").asInt());
    JsonNode platform = viewer.next("comment");
    assertEquals("tiktok", platform.path("platform").asText());
    assertEquals("Lily", platform.path("name").asText());
    assertEquals(local.path("seq").asLong() + 1, platform.path("seq").asLong(), "one sequence for both");

    // Bad input: a clear status, and the room is as it was.
    long seq = get(rooms).body().path("seq").asLong();
    String body = comments("t-2", "u9", "x");
    assertError(relayPost(roomId, null, null, 0, body, null), 401, "SIGNATURE_MISSING");
    assertError(relayPost(roomId, "tiktok", "a-wrong-secret-0123456", now(), body, null), 401, "BAD_SIGNATURE");
    assertError(relayPost(roomId, "tiktok", secret, now(), body, "v1=" + "0".repeat(64)), 401, "BAD_SIGNATURE");
    assertError(relayPost(roomId, "tiktok", secret, now() - 600, body, null), 401, "STALE_TIMESTAMP");
    assertError(relayPost(roomId, "tiktok", secret, now(), comments("t-1", "u9", "is the red one in stock?"), null),
        409, "REPLAYED");
    assertError(relayPost(roomId, "tiktok", secret, now(), "{\"events\":[{\"id\":\"t-3\",\"type\":\"vote\"}]}",
        null), 400, "BAD_REQUEST");
    assertError(relayPost(roomId, "tiktok", secret, now(), "{not json", null), 400, "BAD_JSON");
    assertError(relayPost(roomId, "nope", secret, now(), body, null), 404, "UNKNOWN_DESTINATION");
    assertEquals(413, relayPost(roomId, "tiktok", secret, now(), comments("t-4", "u9", "y".repeat(70_000)), null)
        .status());
    assertEquals(seq, get(rooms).body().path("seq").asLong(), "nothing refused was recorded");

    // The host answers the platform's viewer: shown in the room, sent to the relay signed.
    Http replied = post(rooms + "/replies", token, "{\"text\":\"Yes, 12 left!\",\"inReplyTo\":"
        + platform.path("seq").asLong() + "}");
    assertEquals(200, replied.status(), replied.body().toString());
    JsonNode shown = viewer.next("comment");
    assertTrue(shown.path("host").asBoolean() && shown.path("text").asText().equals("Yes, 12 left!"), shown.toString());
    String[] got = replies.poll(10, TimeUnit.SECONDS);
    assertNotNull(got, "the relay got the reply");
    assertTrue(PlatformSignature.verify(secret, roomId, "tiktok", Long.parseLong(got[0]),
        got[2].getBytes(StandardCharsets.UTF_8), got[1]), "signed with the destination's secret");
    JsonNode reply = JSON.readTree(got[2]);
    assertEquals("t-1", reply.at("/inReplyTo/eventId").asText());
    assertEquals(List.of("Yes, 12 left!"), List.of(reply.path("text").asText()));
    assertError(post(rooms + "/replies", null, "{\"text\":\"hi\"}"), 401, "UNAUTHORIZED");
    assertError(post(rooms + "/destinations", token, "{\"platform\":\"x\",\"url\":\"rtmp://h/app\",\"streamKey\":\"k\","
        + "\"replyUrl\":\"file:///etc/passwd\"}"), 400, "BAD_REQUEST");
  }
}
