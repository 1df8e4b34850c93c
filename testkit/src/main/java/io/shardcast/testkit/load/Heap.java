package io.shardcast.testkit.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Live heap of a node process after a full GC, read with the JDK's jcmd. */
public final class Heap {

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private Heap() {}

  /** Used heap in bytes after a GC, or -1 when jcmd is not available. */
  public static long usedAfterGc(Process p) throws InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      run(jcmd, p.pid(), "GC.run");
      String info = run(jcmd, p.pid(), "GC.heap_info");
      Matcher m = USED.matcher(info);
      return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private static String run(Path jcmd, long pid, String what) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), what).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
