package io.shardcast.cli;

import static io.shardcast.cli.OpsCommandTest.await;
import static io.shardcast.cli.OpsCommandTest.ops;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.cluster.NodeProgram;
import io.shardcast.testkit.load.RoomScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shardcast ops scale} and {@code ops room ID move} on a real cluster whose autoscaler acts:
 * two active nodes and a standby. Both go through the autoscaler (its policy's activations and
 * drains, its room allocation), and {@code --wait} returns once the cluster shows the result.
 */
class OpsScaleCommandTest {

  static final String TOKEN = "ops-scale-test-token";
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dataDir;
  static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(NodeProgram.of(Shardcast.class), 2, dataDir, 0, List.of("-Xms128m", "-Xmx384m",
        "-XX:TieredStopAtLevel=1", "-Dshardcast.ops.token=" + TOKEN), List.of());
    cluster.awaitReady(Duration.ofSeconds(120));
    cluster.add(List.of("--role", "standby"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
      cluster.copyLogs(Path.of("target", "node-logs", "ops-scale"));
    }
  }

  static List<String> roles(String server) throws Exception {
    OpsCommandTest.Run r = ops("nodes", "--server", server, "--token", TOKEN, "-o", "json");
    assertEquals(0, r.code(), r.err());
    List<String> out = new ArrayList<>();
    for (JsonNode n : JSON.readTree(r.out()).path("nodes")) {
      out.add(n.path("role").asText());
    }
    out.sort(null);
    return out;
  }

  @Test
  void scaleAndMoveGoThroughTheAutoscalerAndWaitForTheResult() throws Exception {
    String server = cluster.node(0).http();
    await("two active nodes and a standby reporting", () ->
        roles(server).equals(List.of("ACTIVE", "ACTIVE", "STANDBY")) ? true : null);

    // Refusals first: nothing changes.
    assertEquals(2, ops("scale", "--server", server, "--token", TOKEN).code(), "--active or --release is needed");
    assertEquals(2, ops("scale", "--active", "0", "--server", server, "--token", TOKEN).code());
    OpsCommandTest.Run tooMany = ops("scale", "--active", "500", "--server", server, "--token", TOKEN);
    assertEquals(1, tooMany.code());
    assertTrue(tooMany.err().contains("400 OUT_OF_RANGE") && tooMany.err().contains("max-nodes"), tooMany.err());
    assertEquals(1, ops("scale", "--active", "3", "--server", server).code(), "no token, no scale");

    // Up: the standby serves.
    OpsCommandTest.Run up = ops("scale", "--active", "3", "--for", "10m", "--wait", "--timeout", "60s",
        "--server", server, "--token", TOKEN, "-o", "json");
    assertEquals(0, up.code(), up.err());
    assertTrue(up.err().contains("3 active, 0 on their way; target 3"), "progress on stderr: " + up.err());
    assertEquals(3, JSON.readTree(up.out()).path("hold").path("active").asInt(), up.out());
    assertEquals(List.of("ACTIVE", "ACTIVE", "ACTIVE"), roles(server));
    OpsCommandTest.Run status = ops("status", "--server", server, "--token", TOKEN);
    assertTrue(status.out().contains("operator hold: at least 3 active until"), status.out());
    JsonNode autoscaler = JSON.readTree(ops("autoscaler", "timeline", "--server", server, "--token", TOKEN, "-o",
        "json").out());
    assertTrue(autoscaler.toString().contains("operator ops:ops holds at least 3 active"), autoscaler.toString());

    // A room moved to a node that is not the coordinator's, and back to another.
    RoomScript room = new RoomScript(server).create("moving room");
    String oldest = cluster.node(0).address();
    String from = await("the room placed", () -> {
      String at = JSON.readTree(ops("room", room.roomId(), "--server", server, "--token", TOKEN, "-o", "json").out())
          .path("node").asText();
      return at.isEmpty() ? null : at;
    });
    String to = null;
    for (LocalCluster.Node n : cluster.nodes()) {
      if (!n.address().equals(oldest) && !from.endsWith(n.address())) {
        to = n.address();
      }
    }
    OpsCommandTest.Run toCoordinator = ops("room", room.roomId(), "move", "--to", oldest, "--server", server,
        "--token", TOKEN);
    assertEquals(1, toCoordinator.code());
    assertTrue(toCoordinator.err().contains("409 COORDINATOR_NODE"), toCoordinator.err());
    OpsCommandTest.Run unknown = ops("room", room.roomId(), "move", "--to", "10.9.9.9:1", "--server", server,
        "--token", TOKEN);
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().contains("404 UNKNOWN_NODE"), unknown.err());
    OpsCommandTest.Run move = ops("room", room.roomId(), "move", "--to", to, "--wait", "--timeout", "60s",
        "--server", server, "--token", TOKEN);
    assertEquals(0, move.code(), move.err());
    assertTrue(move.out().contains(to), move.out());
    String at = JSON.readTree(ops("room", room.roomId(), "--server", server, "--token", TOKEN, "-o", "json").out())
        .path("node").asText();
    assertTrue(at.endsWith(to), "the room lives on " + to + ", not " + at);
    assertEquals("moving room", room.snapshot().path("title").asText(), "the moved room answers");

    // Down: one node drains, without waiting for the scale-in window.
    OpsCommandTest.Run down = ops("scale", "--active", "2", "--for", "10m", "--wait", "--timeout", "90s",
        "--server", server, "--token", TOKEN);
    assertEquals(0, down.code(), down.err());
    long active = roles(server).stream().filter("ACTIVE"::equals).count();
    assertEquals(2, active, roles(server).toString());

    OpsCommandTest.Run release = ops("scale", "--release", "--server", server, "--token", TOKEN, "-o", "json");
    assertEquals(0, release.code(), release.err());
    assertTrue(JSON.readTree(release.out()).path("hold").isNull(), release.out());
  }
}
