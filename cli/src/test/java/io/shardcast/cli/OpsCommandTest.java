package io.shardcast.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.cluster.NodeProgram;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code shardcast ops} against a real two-node cluster: what a person reads (a table, problems
 * first), what a script reads (the same answer as JSON or YAML), and exit codes that mean
 * something: 0 done, 1 refused with the cluster's reason, 2 usage, 3 nothing answered.
 */
class OpsCommandTest {

  static final String TOKEN = "ops-cli-test-token";
  @TempDir static Path dataDir;
  static LocalCluster cluster;

  /** What one run printed, and its exit code. */
  record Run(int code, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(NodeProgram.of(Shardcast.class), 2, dataDir, 0, List.of("-Xms128m", "-Xmx384m",
        "-XX:TieredStopAtLevel=1", LocalCluster.FIXED_SIZE, "-Dshardcast.ops.token=" + TOKEN), List.of());
    cluster.awaitReady(Duration.ofSeconds(120));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
      cluster.copyLogs(Path.of("target", "node-logs", "ops-cli"));
    }
  }

  static Run ops(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cl = Shardcast.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "ops";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Run(cl.execute(all), out.toString(), err.toString());
  }

  /** The status once both nodes report to the autoscaler (its first reports take a moment). */
  static JsonNode reportedStatus(String server) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Run r = ops("status", "--server", server, "--token", TOKEN, "-o", "json");
      assertEquals(0, r.code(), r.err());
      JsonNode doc = new ObjectMapper().readTree(r.out());
      boolean reported = doc.path("nodes").size() == 2;
      for (JsonNode n : doc.path("nodes")) {
        reported &= !n.path("role").asText().equals("UNREPORTED");
      }
      if (reported || System.nanoTime() > until) {
        return doc;
      }
      Thread.sleep(250);
    }
  }

  @Test
  void statusShowsEveryNodeToPeopleAndToScripts() throws Exception {
    String server = cluster.node(0).http();
    JsonNode doc = reportedStatus(server);
    assertEquals(2, doc.path("nodes").size(), doc.toString());
    for (JsonNode n : doc.path("nodes")) {
      assertEquals("ACTIVE", n.path("role").asText(), n.toString());
      assertEquals("Up", n.path("memberStatus").asText());
    }
    assertTrue(doc.path("problems").toString().contains("ADVISORY"), "a fixed-size cluster's autoscaler only advises");

    Run table = ops("status", "--server", server, "--token", TOKEN);
    assertEquals(0, table.code(), table.err());
    String[] lines = table.out().split("\n");
    assertTrue(lines[0].startsWith("INFO  the autoscaler only advises"), table.out());
    assertTrue(table.out().contains("NODE") && table.out().contains("ROLE") && table.out().contains("(oldest)"),
        table.out());
    for (LocalCluster.Node n : cluster.nodes()) {
      assertTrue(table.out().contains(n.address()), n.address() + " in\n" + table.out());
    }
    assertTrue(table.out().contains("2 nodes (2 active, 0 standby)"), table.out());

    Run yaml = ops("nodes", "--server", server, "--token", TOKEN, "-o", "yaml");
    assertEquals(0, yaml.code(), yaml.err());
    Map<String, Object> parsed = new Yaml().load(yaml.out());
    assertEquals(2, ((List<?>) parsed.get("nodes")).size(), yaml.out());
  }

  @Test
  void theNextServerIsTriedAndNoneAnsweringIsExitCode3() {
    String closed = "http://127.0.0.1:" + freePort();
    Run next = ops("nodes", "--server", closed + "," + cluster.node(1).http(), "--token", TOKEN);
    assertEquals(0, next.code(), next.err());
    Run none = ops("nodes", "--server", closed);
    assertEquals(3, none.code());
    assertTrue(none.err().contains("no server answered") && none.err().contains("SHARDCAST_SERVER"), none.err());
  }

  @Test
  void aRefusedOrderIsExitCode1WithTheClustersReasonAndAUsageErrorIs2() throws Exception {
    String server = cluster.node(0).http();
    reportedStatus(server); // the autoscaler knows both nodes, so the refusals below are about their roles
    String node = cluster.node(1).address();
    Run noRead = ops("status", "--server", server);
    assertEquals(1, noRead.code());
    assertTrue(noRead.err().contains("401 TOKEN_MISSING") && noRead.err().contains("--token or SHARDCAST_OPS_TOKEN"),
        noRead.err());
    Run noToken = ops("nodes", "activate", node, "--server", server);
    assertEquals(1, noToken.code());
    assertTrue(noToken.err().contains("--token or SHARDCAST_OPS_TOKEN"), noToken.err());
    Run active = ops("nodes", "activate", node, "--server", server, "--token", TOKEN);
    assertEquals(1, active.code());
    assertTrue(active.err().contains("409 NOT_STANDBY"), active.err());
    Run unknown = ops("nodes", "retire", "10.9.9.9:1", "--server", server, "--token", TOKEN);
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().contains("UNKNOWN_NODE"), unknown.err());
    assertEquals(2, ops("nodes", "--output", "xml", "--server", server).code());
    Run help = ops("nodes", "drain", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--then"), "out: " + help.out() + " err: " + help.err());
    assertEquals(2, ops("nodes", "drain", node, "--then", "away", "--server", server, "--token", TOKEN).code());
    Run advisory = ops("scale", "--active", "3", "--server", server, "--token", TOKEN);
    assertEquals(1, advisory.code());
    assertTrue(advisory.err().contains("409 NOT_ACTING"), "a fixed-size cluster is not scaled: " + advisory.err());
  }

  @Test
  void aNodeDrainedAndActivatedWithWaitIsInItsNewRoleWhenTheCommandReturns() throws Exception {
    String server = cluster.node(0).http();
    reportedStatus(server);
    String node = cluster.node(1).address();
    Run drain = ops("nodes", "drain", node, "--then", "standby", "--wait", "--timeout", "60s", "--server", server,
        "--token", TOKEN, "-o", "json");
    assertEquals(0, drain.code(), drain.err());
    assertTrue(drain.err().contains("drain ") && drain.err().contains("STANDBY"), "progress on stderr: " + drain.err());
    assertEquals("drain", new ObjectMapper().readTree(drain.out()).path("order").asText(), "stdout is one document");
    assertEquals("STANDBY", role(server, node));
    Run activate = ops("nodes", "activate", node, "--wait", "--timeout", "60s", "--server", server, "--token", TOKEN);
    assertEquals(0, activate.code(), activate.err());
    assertEquals("ACTIVE", role(server, node));
  }

  @Test
  void eventsFollowResumesOnAnotherNodeWhenItsNodeDrainsMissingNothing() throws Exception {
    String server = cluster.node(0).http();
    reportedStatus(server);
    io.shardcast.testkit.load.RoomScript room = new io.shardcast.testkit.load.RoomScript(server).create("followed");
    room.host("products", io.shardcast.testkit.load.RoomScript.body().put("productId", "before").put("name", "Hat")
        .put("priceCents", 900).put("stock", 3));
    long seq = room.snapshot().path("seq").asLong();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cl = Shardcast.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    java.util.concurrent.CompletableFuture<Integer> code = java.util.concurrent.CompletableFuture.supplyAsync(() ->
        cl.execute("ops", "events", room.roomId(), "--follow", "--since", String.valueOf(seq), "--count", "2",
            "-o", "json", "--server", server, "--token", TOKEN));
    String watching = await("the follower watching", () -> err.toString().contains("watching") ? err.toString() : null);
    LocalCluster.Node watched = null;
    for (LocalCluster.Node n : cluster.nodes()) {
      if (watching.contains(n.ws() + "/")) {
        watched = n;
      }
    }
    assertNotNull(watched, watching);
    room.host("products", io.shardcast.testkit.load.RoomScript.body().put("productId", "during").put("name", "Bag")
        .put("priceCents", 900).put("stock", 3));
    await("the first event", () -> out.toString().lines().count() == 1 ? true : null);

    // The node it watches on drains: the follower takes the hint and resumes elsewhere.
    Run drain = ops("nodes", "drain", watched.address(), "--then", "standby", "--wait", "--timeout", "60s",
        "--server", server, "--token", TOKEN);
    try {
      assertEquals(0, drain.code(), drain.err());
      room.host("products", io.shardcast.testkit.load.RoomScript.body().put("productId", "after").put("name", "Cap")
          .put("priceCents", 900).put("stock", 3));
      assertEquals(0, code.get(60, java.util.concurrent.TimeUnit.SECONDS), err.toString());
      List<JsonNode> events = new java.util.ArrayList<>();
      for (String line : out.toString().lines().toList()) {
        events.add(new ObjectMapper().readTree(line));
      }
      assertEquals(2, events.size(), out.toString());
      assertEquals(seq + 1, events.get(0).path("seq").asLong(), out.toString());
      assertTrue(events.get(1).path("seq").asLong() > seq + 1, out.toString());
      assertTrue(events.get(1).toString().contains("after"), "the event after the drain: " + out);
      assertTrue(err.toString().contains("reconnect (drain)"), err.toString());
      assertEquals(2, err.toString().lines().filter(l -> l.contains("watching")).count(), err.toString());
    } finally {
      assertEquals(0, ops("nodes", "activate", watched.address(), "--wait", "--timeout", "60s", "--server", server,
          "--token", TOKEN).code());
    }
  }

  static String role(String server, String host) throws Exception {
    Run r = ops("nodes", "--server", server, "--token", TOKEN, "-o", "json");
    for (JsonNode n : new ObjectMapper().readTree(r.out()).path("nodes")) {
      if (n.path("host").asText().equals(host)) {
        return n.path("role").asText();
      }
    }
    return "GONE";
  }

  @Test
  void roomsSalesOrdersEventsMediaAndTopShowWhatTheRoomDid() throws Exception {
    String server = cluster.node(0).http();
    reportedStatus(server);
    io.shardcast.testkit.load.RoomScript room = new io.shardcast.testkit.load.RoomScript(server).create("cli room");
    room.host("products", io.shardcast.testkit.load.RoomScript.body().put("productId", "p").put("name", "Scarf")
        .put("priceCents", 1500).put("stock", 10));
    room.host("flash-sales", io.shardcast.testkit.load.RoomScript.body().put("saleId", "s1").put("productId", "p")
        .put("quantity", 5).put("perUserLimit", 1).put("revealInMs", 0));
    io.shardcast.testkit.load.RestClient rest = new io.shardcast.testkit.load.RestClient();
    assertEquals(200, rest.post(server + "/api/rooms/" + room.roomId() + "/orders", null,
        "{\"orderId\":\"o1\",\"userId\":\"buyer-1\",\"saleId\":\"s1\"}").status());
    // A viewer, so the nodes report the room to the autoscaler.
    java.net.http.WebSocket viewer = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(java.net.URI.create(cluster.node(0).ws() + "/ws/rooms/" + room.roomId() + "?user=watcher"),
            new java.net.http.WebSocket.Listener() {}).get(10, java.util.concurrent.TimeUnit.SECONDS);
    try {
      ObjectMapper json = new ObjectMapper();
      JsonNode listed = await("the room among the busiest", () -> {
        Run r = ops("rooms", "--server", server, "--token", TOKEN, "-o", "json");
        assertEquals(0, r.code(), r.err());
        for (JsonNode n : json.readTree(r.out()).path("rooms")) {
          if (n.path("roomId").asText().equals(room.roomId())) {
            return n;
          }
        }
        return null;
      });
      assertEquals(1, listed.path("viewers").asLong(), listed.toString());
      assertFalse(listed.path("node").asText().isEmpty(), listed.toString());
      Run roomsTable = ops("rooms", "--server", server, "--token", TOKEN);
      assertTrue(roomsTable.out().contains("ROOM") && roomsTable.out().contains(room.roomId()), roomsTable.out());

      Run one = ops("room", room.roomId(), "--server", server, "--token", TOKEN, "-o", "json");
      assertEquals(0, one.code(), one.err());
      JsonNode r = json.readTree(one.out());
      assertEquals("ops/v1", r.path("apiVersion").asText());
      assertEquals("cli room", r.path("snapshot").path("title").asText());
      assertEquals(listed.path("node").asText(), r.path("node").asText(), "the node the room lives on");
      Run oneTable = ops("room", room.roomId(), "--server", server, "--token", TOKEN);
      assertTrue(oneTable.out().contains("Scarf") && oneTable.out().contains("4 of 5 left"), oneTable.out());

      JsonNode sale = await("the sale on the calendar", () -> {
        Run sales = ops("sales", "--server", server, "--token", TOKEN, "-o", "json");
        for (JsonNode s : json.readTree(sales.out()).path("sales")) {
          if (s.path("room").asText().equals(room.roomId())) {
            return s;
          }
        }
        return null;
      });
      assertEquals(1, sale.path("sold").asInt(), sale.toString());
      assertEquals("OPEN", sale.path("status").asText(), sale.toString());

      Run orders = ops("orders", room.roomId(), "--sale", "s1", "--server", server, "--token", TOKEN, "-o", "yaml");
      assertEquals(0, orders.code(), orders.err());
      Map<String, Object> parsed = new Yaml().load(orders.out());
      assertEquals("buyer-1", ((Map<?, ?>) ((List<?>) parsed.get("orders")).get(0)).get("userId"), orders.out());

      Run media = ops("media", room.roomId(), "--server", server, "--token", TOKEN);
      assertEquals(0, media.code(), media.err());
      assertTrue(media.out().contains("not live"), media.out());

      Run events = ops("events", room.roomId(), "--since", "0", "--count", "3", "--server", server, "--token", TOKEN,
          "-o", "json");
      assertEquals(0, events.code(), events.err());
      List<String> lines = events.out().lines().toList();
      assertEquals(3, lines.size(), events.out());
      for (int i = 0; i < 3; i++) {
        assertEquals(i + 1, json.readTree(lines.get(i)).path("seq").asLong(), events.out());
      }
      Run eventsTable = ops("events", room.roomId(), "--since", "0", "--count", "1", "--server", server, "--token",
          TOKEN);
      assertTrue(eventsTable.out().contains("product"), eventsTable.out());

      Run top = ops("top", "--iterations", "2", "--interval", "200ms", "--server", server, "--token", TOKEN);
      assertEquals(0, top.code(), top.err());
      assertEquals(2, top.out().split("shardcast top", -1).length - 1, top.out());
      assertTrue(top.out().contains(room.roomId()), top.out());

      Run timeline = ops("autoscaler", "timeline", "--server", server, "--token", TOKEN, "-o", "json");
      assertEquals(0, timeline.code(), timeline.err());
      assertTrue(json.readTree(timeline.out()).path("timeline").isArray(), timeline.out());

      Run who = ops("whoami", "--server", server, "--token", TOKEN, "-o", "json");
      JsonNode w = json.readTree(who.out());
      assertEquals("ops:ops", w.path("identity").asText());
      assertEquals(List.of("ops:read", "ops:write"), List.of(w.path("scopes").get(0).asText(), w.path("scopes").get(1)
          .asText()));
    } finally {
      viewer.abort();
    }
  }

  /** Something looked up until it is there. */
  interface Probe<T> {
    T get() throws Exception;
  }

  static <T> T await(String what, Probe<T> probe) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      assertTrue(System.nanoTime() < until, "not within 30 s: " + what);
      Thread.sleep(250);
    }
  }

  @Test
  void aContextFileNamesTheClusterAndItsTokenLikeAKubeconfig() throws Exception {
    Path file = dataDir.resolve("contexts").resolve("config.yaml");
    Path tokenFile = dataDir.resolve("ops-token");
    java.nio.file.Files.writeString(tokenFile, TOKEN + "\n");
    String closed = "http://127.0.0.1:" + freePort();
    Run set = ops("config", "set-context", "local", "--server", cluster.node(0).http(), "--token-file",
        tokenFile.toString(), "--config", file.toString());
    assertEquals(0, set.code(), set.err());
    assertTrue(set.out().contains("added context local") && set.out().contains("(current)"), set.out());
    assertEquals(0, ops("config", "set-context", "nowhere", "--server", closed, "--token", "secret-inline",
        "--config", file.toString()).code());
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        java.nio.file.Files.getPosixFilePermissions(file)), "the file may hold tokens");

    Run status = ops("status", "--config", file.toString(), "-o", "json");
    assertEquals(0, status.code(), "the current context's server and token: " + status.err());
    assertEquals(2, new ObjectMapper().readTree(status.out()).path("nodes").size(), status.out());
    assertEquals(3, ops("status", "--config", file.toString(), "--context", "nowhere").code(),
        "the other context's server does not answer");
    Run override = ops("status", "--config", file.toString(), "--context", "nowhere", "--server", cluster.node(1).http());
    assertEquals(1, override.code(), "--server wins over the context's servers; its token still counts, as in kubectl");
    assertTrue(override.err().contains("401 TOKEN_INVALID"), override.err());

    Run list = ops("config", "get-contexts", "--config", file.toString());
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().contains("*") && list.out().contains("nowhere") && list.out().contains("inline"), list.out());
    assertFalse(list.out().contains("secret-inline") || list.out().contains(TOKEN), "tokens are never shown");
    assertEquals(0, ops("config", "use-context", "nowhere", "--config", file.toString()).code());
    assertEquals(3, ops("nodes", "--config", file.toString()).code(), "now the current context is the closed one");
    Run unknown = ops("config", "use-context", "prod", "--config", file.toString());
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("no context prod"), unknown.err());
    assertEquals(2, ops("status", "--config", file.toString(), "--context", "prod").code());

    Path broken = dataDir.resolve("broken.yaml");
    java.nio.file.Files.writeString(broken, "contexts: [not, a, map]\n");
    Run bad = ops("status", "--config", broken.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("contexts is a map"), bad.err());
  }

  @Test
  void completionIsABashScriptThatKnowsTheCommands() throws Exception {
    Run r = ops("completion");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("complete -F") && r.out().contains("status") && r.out().contains("drain"),
        r.out().substring(0, Math.min(400, r.out().length())));
    Path script = dataDir.resolve("shardcast-completion.bash");
    java.nio.file.Files.writeString(script, r.out());
    Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
    assertEquals(0, bash.waitFor(), new String(bash.getInputStream().readAllBytes()));
  }

  static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
