package io.shardcast.cluster;

import static io.shardcast.cluster.TestNodes.get;
import static io.shardcast.cluster.TestNodes.post;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The autoscaler singleton on a real node whose backend cannot start nodes (the local backend's
 * command exits at once): the failure is retried with growing waits and shown at /api/autoscaler,
 * and the singleton keeps answering. Also the ops endpoints' refusals.
 */
class AutoscalerActingTest {

  private static final String OPS = "test-ops-token";
  @TempDir static Path dataDir;
  static ShardcastNode.Running node;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.start(dataDir, Map.of(
        "shardcast.autoscaler.min-standby", 1,
        "shardcast.autoscaler.scaler.backend", "local",
        "shardcast.autoscaler.scaler.local.command", List.of("/bin/sh", "-c", "echo no such node >&2; exit 3"),
        "shardcast.ops.token", OPS,
        // Rooms left alone passivate after 2 s here, so a test sees whether one with a sale ahead does.
        "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout", "2s"));
    base = "http://127.0.0.1:" + node.httpPort();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.stop();
    }
  }

  @Test
  void aBackendThatCannotStartNodesIsRetriedWithBackoffAndShownNeverKillingTheSingleton() throws Exception {
    JsonNode state = TestNodes.awaitValue("four failed starts", Duration.ofSeconds(40), () -> {
      TestNodes.Http r = get(base + "/api/autoscaler", OPS);
      assertEquals(200, r.status(), "the singleton answers throughout");
      return r.body().path("backend").path("consecutiveFailures").asInt() >= 4 ? r.body() : null;
    });
    JsonNode backend = state.path("backend");
    assertTrue(backend.path("consecutiveFailures").asInt() >= 4, "the failed start was tried again: " + backend);
    assertEquals("local", backend.path("name").asText());
    assertTrue(backend.path("lastError").asText().contains("exited with 3"), backend.toString());
    assertTrue(backend.has("retryInMs"), "the next try is shown: " + backend);
    // The starts the singleton carried out, from its timeline: each wait longer than the one before
    // (1 s, 2 s, 4 s... after each failure), not a start every tick.
    List<Long> starts = new ArrayList<>();
    for (JsonNode p : state.path("timeline")) {
      for (JsonNode a : p.path("actions")) {
        if (a.asText().startsWith("Start")) {
          starts.add(p.path("at").asLong());
        }
      }
    }
    assertTrue(starts.size() >= 4, "starts " + starts);
    long first = starts.get(1) - starts.get(0);
    long third = starts.get(3) - starts.get(2);
    // Without backoff both gaps would be the same (detection plus a tick); with it the third wait is
    // 4 s against the first's 1 s.
    assertTrue(third - first >= 2_000, "waits grow between tries: " + starts);
  }

  @Test
  void aRoomWithASaleAheadStaysAwakeSoItsSaleStaysOnTheAutoscalersCalendar() throws Exception {
    String ahead = roomWithSale("quiet before the sale", "later", 60_000);
    // A room whose sale has opened has nothing pending: left alone, it passivates after the idle
    // timeout and its sale leaves the calendar. Seeing that go is seeing the timeout pass.
    String opened = roomWithSale("sale already open", "now", 0);
    TestNodes.await("both sales reported to the autoscaler", Duration.ofSeconds(20),
        () -> onCalendar(opened, "now") && onCalendar(ahead, "later"));
    TestNodes.await("the room with nothing pending passivates and leaves the calendar", Duration.ofSeconds(30),
        () -> !onCalendar(opened, "now"));
    assertTrue(onCalendar(ahead, "later"),
        "the sale a minute ahead is still on the calendar: " + get(base + "/api/autoscaler", OPS).body());
  }

  /** Creates a room with one flash sale opening in {@code revealInMs}; returns its id. */
  static String roomWithSale(String title, String saleId, long revealInMs) throws Exception {
    TestNodes.Http created = TestNodes.createRoom(base, "{\"title\":\"" + title + "\"}");
    String room = created.body().path("roomId").asText();
    String token = created.body().path("hostToken").asText();
    assertEquals(200, post(base + "/api/rooms/" + room + "/products", token,
        "{\"productId\":\"p\",\"name\":\"Kettle\",\"priceCents\":100,\"stock\":5}").status());
    assertEquals(200, post(base + "/api/rooms/" + room + "/flash-sales", token,
        "{\"saleId\":\"" + saleId + "\",\"productId\":\"p\",\"quantity\":5,\"perUserLimit\":1,\"revealInMs\":"
            + revealInMs + "}").status());
    return room;
  }

  /** Whether the autoscaler's calendar lists the room's sale as open or ahead. */
  static boolean onCalendar(String room, String sale) throws Exception {
    for (JsonNode s : get(base + "/api/autoscaler", OPS).body().path("sales")) {
      if (s.path("room").asText().equals(room) && s.path("sale").asText().equals(sale)
          && !s.path("closed").asBoolean()) {
        return true;
      }
    }
    return false;
  }

  @Test
  void opsOrdersNeedTheTokenAndNameANodeInTheRightRole() throws Exception {
    String activate = base + "/api/autoscaler/nodes/activate";
    String drain = base + "/api/autoscaler/nodes/drain";
    assertEquals(401, post(activate, null, "{\"node\":\"x\"}").status());
    TestNodes.Http wrong = post(activate, "wrong", "{\"node\":\"x\"}");
    assertEquals(401, wrong.status());
    assertEquals("TOKEN_INVALID", wrong.body().path("code").asText());
    TestNodes.Http bad = post(activate, OPS, "{}");
    assertEquals(400, bad.status());
    assertEquals("BAD_REQUEST", bad.body().path("code").asText());
    assertEquals(400, post(drain, OPS, "{\"node\":\"x\",\"then\":\"sideways\"}").status());
    assertEquals(404, post(base + "/api/autoscaler/nodes/explode", OPS, "{\"node\":\"x\"}").status());

    String self = node.system().address().toString();
    TestNodes.Http unknown = post(activate, OPS, "{\"node\":\"127.0.0.1:1\"}");
    assertEquals(404, unknown.status());
    assertEquals("UNKNOWN_NODE", unknown.body().path("code").asText());
    // Until the node has reported, it is unknown.
    TestNodes.Http r = TestNodes.awaitValue("the node's first report", Duration.ofSeconds(20), () -> {
      TestNodes.Http answer = post(activate, OPS, "{\"node\":\"" + self + "\"}");
      return answer.status() == 404 ? null : answer;
    });
    assertEquals(409, r.status(), r.body().toString());
    assertEquals("NOT_STANDBY", r.body().path("code").asText());
    TestNodes.Http last = post(drain, OPS, "{\"node\":\"" + self + "\"}");
    assertEquals(409, last.status(), last.body().toString());
    assertEquals("LAST_ACTIVE", last.body().path("code").asText(), "the only active node is never drained");
  }
}
