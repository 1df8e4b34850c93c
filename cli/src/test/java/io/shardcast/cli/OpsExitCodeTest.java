package io.shardcast.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.testkit.cluster.NodeProgram;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The exit codes a script sees, from a real {@code shardcast ops} process (the in-process tests
 * see picocli's return value; this sees what the JVM exits with): 0 done, 2 usage, 3 unreachable.
 */
class OpsExitCodeTest {

  record Exit(int code, String out, String err) {}

  static Exit run(String... args) throws Exception {
    List<String> command = NodeProgram.of(Shardcast.class).command(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"),
        List.of(args));
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command ends");
    return new Exit(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void aScriptCanTellDoneFromUsageFromUnreachable() throws Exception {
    Exit help = run("ops", "--help");
    assertEquals(0, help.code(), help.err());
    assertTrue(help.out().contains("Exit codes: 0 done, 1 failed or refused, 2 usage, 3 no server answered"), help.out());

    Exit usage = run("ops", "nodes", "--output", "xml", "--server", "http://127.0.0.1:1");
    assertEquals(2, usage.code(), usage.err());
    assertTrue(usage.err().contains("--output"), usage.err());

    Exit noServer = run("ops", "status", "--config", "/nonexistent/shardcast.yaml");
    assertEquals(2, noServer.code(), noServer.err());
    assertTrue(noServer.err().contains("no server"), noServer.err());

    Exit unreachable = run("ops", "status", "--server", "http://127.0.0.1:" + OpsCommandTest.freePort());
    assertEquals(3, unreachable.code(), unreachable.err());
    assertTrue(unreachable.err().contains("no server answered"), unreachable.err());
  }
}
