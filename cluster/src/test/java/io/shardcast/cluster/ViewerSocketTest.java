package io.shardcast.cluster;

import static io.shardcast.cluster.TestNodes.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viewer listener at the byte level, with a raw socket client: every bad upgrade is refused
 * with a status and a JSON body, WebSocket protocol details (fragments, pings, frames split across
 * packets) work, a protocol violation closes only the offending connection.
 */
class ViewerSocketTest {

  @TempDir static Path dataDir;
  static ShardcastNode.Running node;
  static String base;
  static String roomId;
  static String hostToken;

  @BeforeAll
  static void start() throws Exception {
    // The selector thread reads the sockets after every connection it writes to (64 by default), so
    // the tests below run through reads interleaved with every round of writes; and a room's
    // viewers take turns in groups of 16 (256 by default), so a crowd of them is served in turns.
    node = TestNodes.start(dataDir, Map.of("shardcast.gateway.viewer-handshake-timeout", "1s",
        "shardcast.gateway.viewer-writes-between-reads", 1, "shardcast.room.viewer.batch-group-size", 16));
    base = "http://127.0.0.1:" + node.httpPort();
    Http r = createRoom(base, "{\"title\":\"sockets\"}");
    roomId = r.body().get("roomId").asText();
    hostToken = r.body().get("hostToken").asText();
    assertEquals("ws://127.0.0.1:" + node.viewerPort() + "/ws/rooms/" + roomId + "?user=<userId>",
        r.body().get("ws").asText(), "room creation says where viewers connect");
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  /** A raw HTTP/WebSocket client over one socket. */
  static final class Raw implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Raw() throws IOException {
      socket = new Socket("127.0.0.1", node.viewerPort());
      socket.setSoTimeout(5000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    void sendAscii(String s) throws IOException {
      out.write(s.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** Status line and headers of the answer, up to the blank line. */
    String readHead() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("closed before the end of the head: " + b);
        }
        b.write(c);
        String s = b.toString(StandardCharsets.ISO_8859_1);
        if (s.endsWith("\r\n\r\n")) {
          return s;
        }
      }
    }

    /** An HTTP error answer: its status and JSON body (read to the end of the connection). */
    Http readError() throws IOException {
      String head = readHead();
      int status = Integer.parseInt(head.substring(9, 12));
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Http(status, JSON.readTree(body));
    }

    static String upgrade(String target, String extraHeaders) {
      byte[] key = new byte[16];
      ThreadLocalRandom.current().nextBytes(key);
      return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n" + extraHeaders + "\r\n";
    }

    /** Opens a viewer socket and returns once the 101 is read. */
    static Raw viewer(String user) throws IOException {
      return viewer(roomId, user, -1);
    }

    /** A viewer of {@code room}, resuming after {@code since} when it is >= 0. */
    static Raw viewer(String room, String user, long since) throws IOException {
      Raw r = new Raw();
      r.sendAscii(upgrade("/ws/rooms/" + room + "?user=" + user + (since >= 0 ? "&since=" + since : ""),
          "Sec-WebSocket-Version: 13\r\n"));
      String head = r.readHead();
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      return r;
    }

    /** A client frame: masked, as RFC 6455 requires (unless {@code masked} is false, to test refusal). */
    static byte[] frame(int opcode, boolean fin, byte[] payload, boolean masked) {
      ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
      b.put((byte) ((fin ? 0x80 : 0) | opcode));
      int maskBit = masked ? 0x80 : 0;
      if (payload.length < 126) {
        b.put((byte) (maskBit | payload.length));
      } else {
        b.put((byte) (maskBit | 126)).putShort((short) payload.length);
      }
      byte[] mask = {0x12, 0x34, 0x56, 0x78};
      if (masked) {
        b.put(mask);
      }
      for (int i = 0; i < payload.length; i++) {
        b.put((byte) (masked ? payload[i] ^ mask[i & 3] : payload[i]));
      }
      byte[] out = new byte[b.position()];
      b.flip().get(out);
      return out;
    }

    void sendFrame(int opcode, boolean fin, String text) throws IOException {
      out.write(frame(opcode, fin, text.getBytes(StandardCharsets.UTF_8), true));
      out.flush();
    }

    /** One server frame: opcode and payload. */
    record ServerFrame(int opcode, byte[] payload) {
      String text() {
        return new String(payload, StandardCharsets.UTF_8);
      }
    }

    ServerFrame readFrame() throws IOException {
      int b0 = readByte();
      int b1 = readByte();
      assertEquals(0, b1 & 0x80, "server frames are not masked");
      long len = b1 & 0x7f;
      if (len == 126) {
        len = (readByte() << 8) | readByte();
      } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; i++) {
          len = (len << 8) | readByte();
        }
      }
      byte[] payload = in.readNBytes((int) len);
      return new ServerFrame(b0 & 0x0f, payload);
    }

    /** The next text frame whose JSON has {@code type} (events of a batch are searched too). */
    JsonNode next(String type) throws IOException {
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline) {
        ServerFrame f = readFrame();
        if (f.opcode() != 1) {
          continue;
        }
        JsonNode n = JSON.readTree(f.text());
        for (JsonNode e : n.isArray() ? n : JSON.createArrayNode().add(n)) {
          if (type.equals(e.path("type").asText())) {
            return e;
          }
        }
      }
      throw new AssertionError("no '" + type + "' frame within 10 s");
    }

    private int readByte() throws IOException {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed");
      }
      return c;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static void assertRefused(String request, int status, String code) throws IOException {
    try (Raw r = new Raw()) {
      r.sendAscii(request);
      Http answer = r.readError();
      assertEquals(status, answer.status(), answer.body().toString());
      assertEquals("error", answer.body().path("type").asText());
      assertEquals(code, answer.body().path("code").asText(), answer.body().toString());
    }
  }

  @Test
  void badUpgradeRequestsAreRefusedWithAStatusAndAJsonBody() throws Exception {
    String v13 = "Sec-WebSocket-Version: 13\r\n";
    assertRefused(Raw.upgrade("/ws/rooms/" + roomId + "?user=a", "Sec-WebSocket-Version: 8\r\n"), 426,
        "BAD_WEBSOCKET_VERSION");
    assertRefused("GET /ws/rooms/" + roomId + "?user=a HTTP/1.1\r\nHost: x\r\n\r\n", 400, "NOT_WEBSOCKET");
    assertRefused(Raw.upgrade("/ws/rooms/" + roomId + "?user=a", v13).replaceFirst("GET", "POST"), 405,
        "METHOD_NOT_ALLOWED");
    assertRefused(Raw.upgrade("/api/rooms", v13), 404, "NOT_FOUND");
    assertRefused(Raw.upgrade("/ws/rooms/" + roomId + "?user=no%20spaces", v13), 400, "BAD_USER");
    // Anonymous viewers (development) name themselves; one who does not is refused.
    assertRefused(Raw.upgrade("/ws/rooms/" + roomId, v13), 400, "BAD_USER");
    assertRefused(Raw.upgrade("/ws/rooms/" + roomId + "?user=a&since=-3", v13), 400, "BAD_SINCE");
    assertRefused(Raw.upgrade("/ws/rooms/" + roomId + "?user=a&since=soon", v13), 400, "BAD_SINCE");
    assertRefused(Raw.upgrade("/ws/rooms/bad!room?user=a", v13), 400, "BAD_ROOM_ID");
    assertRefused(Raw.upgrade("/ws/rooms/no-such-room?user=a", v13), 404, "ROOM_NOT_FOUND");
    assertRefused("\u0016\u0003\u0001 not http at all\r\n\r\n", 400, "BAD_REQUEST");
    assertRefused(Raw.upgrade("/ws/rooms/" + roomId + "?user=a", v13 + "X-Padding: " + "p".repeat(9000) + "\r\n"),
        431, "HEADERS_TOO_LARGE");
    // A client that never finishes its request is cut off after the handshake timeout (1 s here).
    try (Raw slow = new Raw()) {
      slow.sendAscii("GET /ws/rooms/" + roomId + "?user=slow HTTP/1.1\r\n");
      assertEquals(408, slow.readError().status());
    }
    // The gateway port says where viewer sockets are.
    Http misdirected = get(base + "/ws/rooms/" + roomId + "?user=a");
    assertEquals(404, misdirected.status());
    assertEquals("VIEWER_PORT", misdirected.body().path("code").asText());
    assertTrue(misdirected.body().path("message").asText().contains(":" + node.viewerPort() + "/ws/rooms/" + roomId));
    // After all that, viewers still connect.
    try (Raw ok = Raw.viewer("after-the-storm")) {
      assertEquals(roomId, ok.next("snapshot").path("roomId").asText());
    }
  }

  @Test
  void fragmentedMessagesPingsAndSplitFramesAreUnderstood() throws Exception {
    try (Raw v = Raw.viewer("frag")) {
      v.next("snapshot");
      // A comment sent as three fragments (text, continuation, final continuation).
      v.sendFrame(0x1, false, "{\"type\":\"comm");
      v.sendFrame(0x0, false, "ent\",\"text\":\"in three ");
      v.sendFrame(0x0, true, "parts\"}");
      assertEquals("in three parts", v.next("comment").path("text").asText());
      // A ping is answered with a pong carrying the same payload.
      v.out.write(Raw.frame(0x9, true, "hb-1".getBytes(StandardCharsets.UTF_8), true));
      v.out.flush();
      Raw.ServerFrame pong;
      do {
        pong = v.readFrame();
      } while (pong.opcode() == 0x1);
      assertEquals(0xA, pong.opcode());
      assertEquals("hb-1", pong.text());
      // A message trickling in one byte per packet.
      byte[] slow = Raw.frame(0x1, true, "{\"type\":\"comment\",\"text\":\"byte by byte\"}".getBytes(StandardCharsets.UTF_8), true);
      v.socket.setTcpNoDelay(true);
      for (byte b : slow) {
        v.out.write(b);
        v.out.flush();
        Thread.sleep(2); // pacing, not waiting: the trickle is what is under test (each byte its own read)
      }
      assertEquals("byte by byte", v.next("comment").path("text").asText());
      // Binary and oversized messages get error frames; the connection stays.
      v.out.write(Raw.frame(0x2, true, new byte[] {1, 2, 3}, true));
      v.out.flush();
      assertEquals("BINARY_NOT_SUPPORTED", v.next("error").path("code").asText());
      v.sendFrame(0x1, false, "{\"type\":\"comment\",\"text\":\"" + "z".repeat(5000));
      v.sendFrame(0x0, true, "z".repeat(5000) + "\"}");
      assertEquals("FRAME_TOO_LARGE", v.next("error").path("code").asText());
      v.sendFrame(0x1, true, "{\"type\":\"ping\"}");
      assertEquals("pong", v.next("pong").path("type").asText());
      // A ping with the page's clock gets the node's clock back, for the page's offset to the cluster.
      long before = System.currentTimeMillis();
      v.sendFrame(0x1, true, "{\"type\":\"ping\",\"t\":1234.5}");
      JsonNode timed = v.next("pong");
      assertEquals(1234.5, timed.path("t").asDouble());
      assertTrue(timed.path("serverTime").asLong() >= before && timed.path("serverTime").asLong()
          <= System.currentTimeMillis(), timed.toString());
    }
  }

  @Test
  void aProtocolViolationClosesOnlyThatConnection() throws Exception {
    try (Raw good = Raw.viewer("good"); Raw bad = Raw.viewer("bad")) {
      good.next("snapshot");
      bad.next("snapshot");
      // Client frames must be masked: an unmasked one is a protocol error (close 1002).
      bad.out.write(Raw.frame(0x1, true, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8), false));
      bad.out.flush();
      Raw.ServerFrame close;
      do {
        close = bad.readFrame();
      } while (close.opcode() == 0x1);
      assertEquals(0x8, close.opcode());
      assertEquals(1002, ((close.payload()[0] & 0xff) << 8) | (close.payload()[1] & 0xff));
      assertEquals(-1, readToEnd(bad), "the server closes the connection");
      // The other viewer is unaffected.
      good.sendFrame(0x1, true, "{\"type\":\"comment\",\"text\":\"still fine\"}");
      assertEquals("still fine", good.next("comment").path("text").asText());
    }
  }

  @Test
  void aClientCloseIsEchoedAndTheViewerLeavesTheRoom() throws Exception {
    try (Raw v = Raw.viewer("leaver")) {
      v.next("snapshot");
      v.out.write(Raw.frame(0x8, true, new byte[] {0x03, (byte) 0xE8}, true));
      v.out.flush();
      Raw.ServerFrame close;
      do {
        close = v.readFrame();
      } while (close.opcode() == 0x1);
      assertEquals(0x8, close.opcode());
      assertEquals(1000, ((close.payload()[0] & 0xff) << 8) | (close.payload()[1] & 0xff));
    }
    await("the room stops counting the viewer who left", Duration.ofSeconds(10),
        () -> get(base + "/api/rooms/" + roomId).body().path("viewers").asInt() == 0);
  }

  @Test
  void ordersOnTheViewerPortAreAnsweredAsTheGatewayWouldOverOneKeepAliveConnection() throws Exception {
    assertEquals(200, post(base + "/api/rooms/" + roomId + "/products", hostToken,
        "{\"productId\":\"lamp\",\"name\":\"Lamp\",\"priceCents\":500,\"stock\":2}").status());
    assertEquals(200, post(base + "/api/rooms/" + roomId + "/flash-sales", hostToken,
        "{\"saleId\":\"lamps\",\"productId\":\"lamp\",\"quantity\":2,\"perUserLimit\":1,\"revealInMs\":0}").status());
    String orders = "/api/rooms/" + roomId + "/orders";
    try (Raw r = new Raw()) {
      // Several orders, one after another and then two pipelined in one write, on one connection.
      assertEquals("CONFIRMED", order(r, orders, "{\"orderId\":\"o1\",\"userId\":\"ann\",\"saleId\":\"lamps\"}"));
      assertEquals("CONFIRMED", order(r, orders, "{\"orderId\":\"o1\",\"userId\":\"ann\",\"saleId\":\"lamps\"}"),
          "a repeated orderId gets its confirmation again");
      assertEquals("LIMIT_REACHED", order(r, orders, "{\"orderId\":\"o2\",\"userId\":\"ann\",\"saleId\":\"lamps\"}"));
      r.sendAscii(orderRequest(orders, "{\"orderId\":\"o3\",\"userId\":\"bo\",\"saleId\":\"lamps\"}")
          + orderRequest(orders, "{\"orderId\":\"o4\",\"userId\":\"cy\",\"saleId\":\"lamps\"}"));
      assertEquals("CONFIRMED", readAnswer(r).body().path("result").asText());
      assertEquals("SOLD_OUT", readAnswer(r).body().path("result").asText());
      Http bad = send(r, orderRequest(orders, "{\"orderId\":\"o5\",\"userId\":\"dee\",\"saleId\":\"lamps\",\"quantity\":-1}"));
      assertEquals(400, bad.status());
      assertEquals("BAD_QUANTITY", bad.body().path("code").asText());
      Http notJson = send(r, orderRequest(orders, "{oops"));
      assertEquals(400, notJson.status());
      assertEquals("BAD_JSON", notJson.body().path("code").asText());
      assertEquals("UNKNOWN_SALE", order(r, orders, "{\"orderId\":\"o6\",\"userId\":\"eve\",\"saleId\":\"nope\"}"),
          "the connection served every request above");
    }
    // The room lists exactly the confirmed orders.
    assertEquals(2, get(base + orders + "?saleId=lamps", hostToken).body().path("orders").size());
    assertRefused("POST " + orders + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 411, "LENGTH_REQUIRED");
    assertRefused("POST " + orders + " HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\n", 413, "BODY_TOO_LARGE");
    assertRefused("GET " + orders + " HTTP/1.1\r\nHost: x\r\n\r\n", 405, "METHOD_NOT_ALLOWED");
  }

  @Test
  void aSaleOpensForViewersAtItsAnnouncedInstantAndNotBefore() throws Exception {
    assertEquals(200, post(base + "/api/rooms/" + roomId + "/products", hostToken,
        "{\"productId\":\"bag\",\"name\":\"Bag\",\"priceCents\":900,\"stock\":5}").status());
    String orders = "/api/rooms/" + roomId + "/orders";
    try (Raw v = Raw.viewer("early-bird")) {
      v.next("snapshot");
      // Announced 2 s ahead: the room hands the opening to the edge 0.5 s early; the edge holds it.
      assertEquals(200, post(base + "/api/rooms/" + roomId + "/flash-sales", hostToken,
          "{\"saleId\":\"bags\",\"productId\":\"bag\",\"quantity\":5,\"perUserLimit\":1,\"revealInMs\":2000}")
          .status());
      long revealAt = v.next("saleAnnounced").path("revealAt").asLong();
      // The buyer connects when it orders: a connection that has sent no request yet is cut off
      // after the handshake timeout (1 s here), and a busy machine can take that long to get here.
      try (Raw buyer = new Raw()) {
        assertEquals("NOT_STARTED",
            order(buyer, orders, "{\"orderId\":\"b1\",\"userId\":\"eager\",\"saleId\":\"bags\"}"));
        JsonNode open = v.next("saleOpen");
        long seenAt = System.currentTimeMillis();
        assertEquals(revealAt, open.path("revealAt").asLong());
        assertTrue(seenAt >= revealAt, "the sale opened " + (revealAt - seenAt) + " ms before its instant");
        assertEquals("CONFIRMED", order(buyer, orders, "{\"orderId\":\"b1\",\"userId\":\"eager\",\"saleId\":\"bags\"}"),
            "the order refused before the opening is judged again after it");
      }
    }
  }

  @Test
  void theAutoscalerCountsThisNodesViewersAndPlacesJoinsOnIt() throws Exception {
    try (Raw v = Raw.viewer("counted")) {
      v.next("snapshot");
      // The singleton decides once every node had time to report (3 s after it starts).
      JsonNode reported = awaitValue("the node's report reaches the autoscaler with its viewer, and it decides",
          Duration.ofSeconds(15), () -> {
            Http state = get(base + "/api/autoscaler", TestNodes.OPS);
            boolean decided = state.status() == 200 && state.body().path("nodes").size() == 1
                && state.body().path("nodes").get(0).path("viewers").asInt() >= 1
                && state.body().path("latest").has("reason");
            return decided ? state.body().path("nodes").get(0) : null;
          });
      assertEquals("ACTIVE", reported.path("role").asText());
      assertTrue(reported.path("counted").asBoolean());
      Http join = get(base + "/api/rooms/" + roomId + "/join");
      assertEquals(200, join.status(), join.body().toString());
      assertEquals("ws://127.0.0.1:" + node.viewerPort() + "/ws/rooms/" + roomId + "?user=<userId>",
          join.body().path("ws").asText());
      assertEquals("http://127.0.0.1:" + node.viewerPort() + "/api/rooms/" + roomId + "/orders",
          join.body().path("orders").asText());
      // The room's viewers over all nodes, as any gateway answers them from its join table.
      JsonNode stats = awaitValue("the room's viewers in the join table", Duration.ofSeconds(10), () -> {
        Http r = get(base + "/api/rooms/" + roomId + "/stats");
        return r.status() == 200 && r.body().path("viewers").asInt() >= 1 ? r.body() : null;
      });
      assertEquals(roomId, stats.path("roomId").asText());
      assertTrue(get(base + "/api/rooms/nobody-here/stats").body().path("viewers").isNull(),
          "a room nobody watches has no count");
    }
  }

  @Test
  void aViewerMovedHereFromAnotherNodeGetsExactlyWhatItMissedThoughThisNodesEdgeStartedLater() throws Exception {
    Http created = createRoom(base, "{\"title\":\"moved here\"}");
    String room = created.body().get("roomId").asText();
    String token = created.body().get("hostToken").asText();
    for (int k = 0; k < 5; k++) {
      assertEquals(200, post(base + "/api/rooms/" + room + "/announcements", token, "{\"text\":\"early " + k + "\"}")
          .status());
    }
    long early = get(base + "/api/rooms/" + room).body().path("seq").asLong();
    // The room's first viewer on this node: its edge starts from the room as it is now.
    try (Raw first = Raw.viewer(room, "first", -1)) {
      assertEquals(early, first.next("snapshot").path("seq").asLong());
      assertEquals(200, post(base + "/api/rooms/" + room + "/announcements", token, "{\"text\":\"late\"}").status());
      long last = first.next("announcement").path("seq").asLong();
      // A viewer that another node had served up to three events before that start, moved here by a
      // drain's hint: it resumes after its seq and gets the events it missed, not the room over again.
      try (Raw moved = Raw.viewer(room, "moved", early - 3)) {
        List<Long> seqs = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < last) {
          Raw.ServerFrame f = moved.readFrame();
          if (f.opcode() != 1) {
            continue;
          }
          JsonNode n = JSON.readTree(f.text());
          for (JsonNode e : n.isArray() ? n : JSON.createArrayNode().add(n)) {
            assertNotEquals("snapshot", e.path("type").asText(), "resumed from its seq, not given a snapshot: " + e);
            if (e.has("seq")) {
              seqs.add(e.path("seq").asLong());
              texts.add(e.path("text").asText());
            }
          }
        }
        List<Long> expected = new ArrayList<>();
        for (long q = early - 2; q <= last; q++) {
          expected.add(q);
        }
        assertEquals(expected, seqs, "every event after its seq, once, in order");
        assertEquals(List.of("early 2", "early 3", "early 4", "late"), texts);
      }
    }
  }

  @Test
  void aCrowdGetsEveryAnnouncementInOrderWhileItsPingsAndOrdersAreAnsweredBetweenWrites() throws Exception {
    assertEquals(200, post(base + "/api/rooms/" + roomId + "/products", hostToken,
        "{\"productId\":\"mug\",\"name\":\"Mug\",\"priceCents\":300,\"stock\":100}").status());
    assertEquals(200, post(base + "/api/rooms/" + roomId + "/flash-sales", hostToken,
        "{\"saleId\":\"mugs\",\"productId\":\"mug\",\"quantity\":100,\"perUserLimit\":1,\"revealInMs\":0}")
        .status());
    String orders = "/api/rooms/" + roomId + "/orders";
    int crowd = 120;
    int rounds = 12;
    List<Raw> viewers = new ArrayList<>();
    try {
      for (int i = 0; i < crowd; i++) {
        viewers.add(Raw.viewer("crowd" + i));
      }
      for (Raw v : viewers) {
        v.next("snapshot");
      }
      // Each announcement is a round of writes to every viewer; pings and orders arrive meanwhile.
      // The buyer connects now: a connection that has sent no request yet is cut off after the
      // handshake timeout (1 s here), which connecting the crowd can outlast on a busy machine.
      try (Raw buyer = new Raw()) {
        for (int k = 0; k < rounds; k++) {
          assertEquals(200, post(base + "/api/rooms/" + roomId + "/announcements", hostToken,
              "{\"text\":\"round " + k + "\"}").status());
          viewers.get(k).sendFrame(1, true, "{\"type\":\"ping\"}");
          assertEquals("CONFIRMED", order(buyer, orders,
              "{\"orderId\":\"m" + k + "\",\"userId\":\"crowd" + k + "\",\"saleId\":\"mugs\"}"));
        }
      }
      for (int i = 0; i < crowd; i++) {
        Raw v = viewers.get(i);
        List<String> texts = new ArrayList<>();
        boolean ponged = false;
        long lastSeq = -1;
        long deadline = System.currentTimeMillis() + 10_000;
        while ((texts.size() < rounds || (i < rounds && !ponged)) && System.currentTimeMillis() < deadline) {
          Raw.ServerFrame f = v.readFrame();
          if (f.opcode() != 1) {
            continue;
          }
          JsonNode n = JSON.readTree(f.text());
          for (JsonNode e : n.isArray() ? n : JSON.createArrayNode().add(n)) {
            if (e.has("seq")) {
              assertTrue(e.path("seq").asLong() > lastSeq, "viewer " + i + ": events in seq order");
              lastSeq = e.path("seq").asLong();
            }
            String type = e.path("type").asText();
            if (type.equals("announcement")) {
              texts.add(e.path("text").asText());
            } else if (type.equals("pong")) {
              ponged = true;
            }
          }
        }
        List<String> expected = new ArrayList<>();
        for (int k = 0; k < rounds; k++) {
          expected.add("round " + k);
        }
        assertEquals(expected, texts, "viewer " + i + " got every announcement, in order");
        assertEquals(i < rounds, ponged, "viewer " + i + "'s ping was answered (and only the pinging viewers')");
      }
    } finally {
      for (Raw v : viewers) {
        v.close();
      }
    }
  }

  private static String orderRequest(String path, String json) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
        + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json;
  }

  private static String order(Raw r, String path, String json) throws IOException {
    Http answer = send(r, orderRequest(path, json));
    assertEquals(200, answer.status(), answer.body().toString());
    return answer.body().path("result").asText();
  }

  private static Http send(Raw r, String request) throws IOException {
    r.sendAscii(request);
    return readAnswer(r);
  }

  /** One keep-alive answer: its status and its Content-Length body. */
  private static Http readAnswer(Raw r) throws IOException {
    String head = r.readHead();
    int status = Integer.parseInt(head.substring(9, 12));
    int at = head.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
    int length = Integer.parseInt(head.substring(at + 15, head.indexOf("\r\n", at)).trim());
    return new Http(status, JSON.readTree(r.in.readNBytes(length)));
  }

  private static int readToEnd(Raw r) throws IOException {
    try {
      while (true) {
        int c = r.in.read();
        if (c < 0) {
          return -1;
        }
      }
    } catch (SocketTimeoutException e) {
      return 0;
    }
  }
}
