package io.shardcast.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-archive training run, as the launcher starts it (its own JVM, with the
 * caller's settings pointing elsewhere): it starts a node, drives a room and a viewer through it,
 * and exits 0, so the JVM would write its archive. A training that broke would leave every
 * launcher-started node without the faster start, silently.
 */
class ClassArchiveTrainingTest {

  @Test
  void theTrainingRunDrivesANodeAndExitsCleanlyWhateverTheCallersSettings(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("training.log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        Shardcast.class.getName(), "train-class-archive", "--data-dir", dir.resolve("data").toString()));
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    // Settings a caller may have in its environment; the training node must not take them.
    b.environment().put("SHARDCAST_ROLE", "standby");
    b.environment().put("SHARDCAST_JOURNAL", "postgres");
    Process p = b.start();
    try {
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the training run did not end; see " + log);
      String out = Files.readString(log);
      assertEquals(0, p.exitValue(), out);
      var m = java.util.regex.Pattern.compile("class archive training: viewer got (\\d+) messages").matcher(out);
      assertTrue(m.find(), out);
      assertTrue(Integer.parseInt(m.group(1)) >= 3, "the viewer got the snapshot and the room's events: " + m.group());
    } finally {
      p.destroyForcibly();
    }
  }
}
