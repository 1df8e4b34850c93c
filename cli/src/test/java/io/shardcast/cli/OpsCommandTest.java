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
      Run r = ops("status", "--server", server, "-o", "json");
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
      assertEquals("Up", n.path("status").asText());
    }
    assertTrue(doc.path("problems").toString().contains("ADVISORY"), "a fixed-size cluster's autoscaler only advises");

    Run table = ops("status", "--server", server);
    assertEquals(0, table.code(), table.err());
    String[] lines = table.out().split("\n");
    assertTrue(lines[0].startsWith("INFO  the autoscaler only advises"), table.out());
    assertTrue(table.out().contains("NODE") && table.out().contains("ROLE") && table.out().contains("(oldest)"),
        table.out());
    for (LocalCluster.Node n : cluster.nodes()) {
      assertTrue(table.out().contains(n.address()), n.address() + " in\n" + table.out());
    }

    Run yaml = ops("nodes", "--server", server, "-o", "yaml");
    assertEquals(0, yaml.code(), yaml.err());
    Map<String, Object> parsed = new Yaml().load(yaml.out());
    assertEquals(2, ((List<?>) parsed.get("nodes")).size(), yaml.out());
  }

  @Test
  void theNextServerIsTriedAndNoneAnsweringIsExitCode3() {
    String closed = "http://127.0.0.1:" + freePort();
    Run next = ops("nodes", "--server", closed + "," + cluster.node(1).http());
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
