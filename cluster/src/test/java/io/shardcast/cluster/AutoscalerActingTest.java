package io.shardcast.cluster;

import static io.shardcast.cluster.TestNodes.get;
import static io.shardcast.cluster.TestNodes.post;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
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
        "shardcast.ops.token", OPS));
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
    long deadline = System.currentTimeMillis() + 30_000;
    JsonNode backend = null;
    while (System.currentTimeMillis() < deadline) {
      TestNodes.Http state = get(base + "/api/autoscaler");
      assertEquals(200, state.status(), "the singleton answers throughout");
      backend = state.body().path("backend");
      if (backend.path("consecutiveFailures").asInt() >= 2) {
        break;
      }
      Thread.sleep(250);
    }
    assertNotNull(backend);
    assertTrue(backend.path("consecutiveFailures").asInt() >= 2, "the failed start was tried again: " + backend);
    assertEquals("local", backend.path("name").asText());
    assertTrue(backend.path("lastError").asText().contains("exited with 3"), backend.toString());
    assertTrue(backend.has("retryInMs"), "the next try is shown: " + backend);
    JsonNode timeline = get(base + "/api/autoscaler").body().path("timeline");
    long starts = 0;
    for (JsonNode p : timeline) {
      for (JsonNode a : p.path("actions")) {
        starts += a.asText().startsWith("Start") ? 1 : 0;
      }
    }
    // Backoff: 1 s, 2 s, 4 s... not a start every second.
    assertTrue(starts <= backend.path("consecutiveFailures").asInt() + 1, "starts " + starts + " for " + backend);
  }

  @Test
  void opsOrdersNeedTheTokenAndNameANodeInTheRightRole() throws Exception {
    String activate = base + "/api/autoscaler/nodes/activate";
    String drain = base + "/api/autoscaler/nodes/drain";
    assertEquals(401, post(activate, null, "{\"node\":\"x\"}").status());
    assertEquals(403, post(activate, "wrong", "{\"node\":\"x\"}").status());
    TestNodes.Http bad = post(activate, OPS, "{}");
    assertEquals(400, bad.status());
    assertEquals("BAD_REQUEST", bad.body().path("code").asText());
    assertEquals(400, post(drain, OPS, "{\"node\":\"x\",\"then\":\"sideways\"}").status());
    assertEquals(404, post(base + "/api/autoscaler/nodes/explode", OPS, "{\"node\":\"x\"}").status());

    String self = node.system().address().toString();
    long deadline = System.currentTimeMillis() + 20_000;
    TestNodes.Http unknown = post(activate, OPS, "{\"node\":\"127.0.0.1:1\"}");
    assertEquals(404, unknown.status());
    assertEquals("UNKNOWN_NODE", unknown.body().path("code").asText());
    TestNodes.Http r;
    do {
      r = post(activate, OPS, "{\"node\":\"" + self + "\"}");
      Thread.sleep(200);
    } while (r.status() == 404 && System.currentTimeMillis() < deadline); // until the node has reported
    assertEquals(409, r.status(), r.body().toString());
    assertEquals("NOT_STANDBY", r.body().path("code").asText());
    TestNodes.Http last = post(drain, OPS, "{\"node\":\"" + self + "\"}");
    assertEquals(409, last.status(), last.body().toString());
    assertEquals("LAST_ACTIVE", last.body().path("code").asText(), "the only active node is never drained");
  }
}
