package io.shardcast.bench;

import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.cluster.NodeProgram;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.media.NginxRtmp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench media --real-players}: what each server costs on a real machine. Viewers are
 * rtmpdump processes; Shardcast runs as a node process of its own, nginx-rtmp as its master and
 * worker; each server's CPU is its whole processes' (/proc/PID/stat: every thread, the kernel's
 * socket work done on their behalf included), never the players' or the publisher's.
 */
final class RealPlayersRun {

  /** After the last batch of a count: the new players' first keyframes are through. */
  private static final long SETTLE_MILLIS = 5_000;
  /** The window with the stream and no viewer, for a server's fixed cost. */
  private static final int STREAM_ALONE_SECONDS = 10;
  private static final int STREAM_WAIT_SECONDS = 30;
  private static final Duration NODE_READY = Duration.ofSeconds(180);
  /** A player kept up when it wrote at least this share of the stream's bytes in the window, as elsewhere. */
  private static final double KEPT_UP_SHARE = 0.9;
  /** A window with the machine busier than this: players and server competed for the cores. */
  private static final double BUSY_MACHINE = 0.9;

  /** How a run goes: the viewer counts (each grows from the last), the windows and the players' batches. */
  record Settings(List<Integer> viewers, int seconds, int warmupSeconds, int playersPerBatch, long batchPauseMillis,
      String nodeHeap, boolean nginx) {}

  /** One window of one server: {@code viewers} 0 is the stream alone. */
  record Row(String server, int viewers, int keptUp, int exited, double slowestShare, double medianShare,
      double serverCores,
      long rssBytes, double playerCores, double machineBusy, String loadAverage) {

    /** Whole-process CPU per viewer-second, in ms. */
    double cpuMillisPerViewerSecond() {
      return viewers == 0 ? 0 : serverCores * 1000 / viewers;
    }
  }

  /** A server under test: the processes whose CPU and memory count, and the stream's URL. */
  private record Served(String name, List<Long> pids, String playUrl) {}

  private final Settings settings;
  private final double streamBytesPerSecond;

  RealPlayersRun(Settings settings, double streamBytesPerSecond) {
    this.settings = settings;
    this.streamBytesPerSecond = streamBytesPerSecond;
  }

  /** Measures Shardcast, then nginx-rtmp when asked, each alone with its publisher and players; prints the table. */
  void run(NodeProgram program, Path clip, Path dir) throws Exception {
    RtmpdumpPlayers.command(); // no rtmpdump: say so before a node starts
    System.out.printf("viewers: rtmpdump processes writing to /dev/null, %d started at once every %d ms; Shardcast: "
        + "one node process (-Xmx%s)%s%n", settings.playersPerBatch(), settings.batchPauseMillis(), settings.nodeHeap(),
        settings.nginx() ? "; nginx-rtmp: its master and one worker" : "");
    System.out.println("CPU: each server's whole processes (/proc/PID/stat), players and publisher excluded; kept up: "
        + "wrote >= 90% of the stream's bytes in the window (slowest, median: what players wrote against the stream); "
        + "load average: 1, 5, 15 min at the window's end");
    System.out.println("| server | viewers | kept up | server CPU (cores) | CPU per viewer-second | RSS | players' CPU "
        + "(cores) | machine busy | load average |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    List<Row> rows = new ArrayList<>();
    try (LocalCluster cluster = LocalCluster.start(program, 1, dir.resolve("shardcast-node"), 0,
        List.of("-Xmx" + settings.nodeHeap(), LocalCluster.FIXED_SIZE), List.of())) {
      cluster.awaitReady(NODE_READY);
      LocalCluster.Node node = cluster.node(0);
      RoomScript room = new RoomScript(node.http()).create("bench");
      Process pub = MediaBench.publish(clip, node.rtmp() + "/" + room.roomId() + "?token=" + room.hostToken(), dir);
      try {
        rows.addAll(measure(new Served("Shardcast", List.of(node.process().pid()), node.rtmp() + "/" + room.roomId())));
      } finally {
        pub.destroyForcibly();
      }
    }
    if (settings.nginx()) {
      try (NginxRtmp ngx = NginxRtmp.start(dir)) {
        String url = "rtmp://127.0.0.1:" + ngx.port + "/live/bench";
        Process pub = MediaBench.publish(clip, url, dir);
        try {
          rows.addAll(measure(new Served("nginx-rtmp", ngx.pids(), url)));
        } finally {
          pub.destroyForcibly();
        }
      }
    }
    summarise(rows);
  }

  private List<Row> measure(Served served) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (RtmpdumpPlayers players = new RtmpdumpPlayers(served.playUrl())) {
      players.awaitStream(STREAM_WAIT_SECONDS);
      Thread.sleep(SETTLE_MILLIS);
      rows.add(print(window(served, players, Math.min(settings.seconds(), STREAM_ALONE_SECONDS))));
      boolean warm = settings.warmupSeconds() == 0;
      for (int n : settings.viewers().stream().sorted().distinct().toList()) {
        players.grow(n, settings.playersPerBatch(), settings.batchPauseMillis());
        Thread.sleep(SETTLE_MILLIS);
        if (!warm) {
          Thread.sleep(settings.warmupSeconds() * 1000L); // served, unmeasured: the JVM on compiled code
          warm = true;
        }
        Row r = print(window(served, players, settings.seconds()));
        rows.add(r);
        if (r.keptUp() < r.viewers()) {
          // More players would measure a server that already fails them: its ramp ends here.
          System.out.printf("(%s: %d of %d players behind, %d exited; a new player says: %s)%n", r.server(),
              r.viewers() - r.keptUp(), r.viewers(), r.exited(), players.diagnose());
          break;
        }
      }
    }
    return rows;
  }

  private Row window(Served served, RtmpdumpPlayers players, int seconds) throws Exception {
    long server0 = serverCpuNanos(served);
    long players0 = players.cpuNanos();
    long[] bytes0 = players.bytesWritten();
    long[] machine0 = Cores.machineTicks();
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long wall = System.nanoTime() - t0;
    long[] machine1 = Cores.machineTicks();
    long[] bytes1 = players.bytesWritten();
    long players1 = players.cpuNanos();
    long server1 = serverCpuNanos(served);
    double expected = streamBytesPerSecond * wall / 1e9;
    int keptUp = 0;
    double[] shares = new double[bytes0.length];
    for (int i = 0; i < bytes0.length; i++) {
      shares[i] = bytes0[i] >= 0 && bytes1[i] >= 0 ? (bytes1[i] - bytes0[i]) / expected : 0;
      if (shares[i] >= KEPT_UP_SHARE) {
        keptUp++;
      }
    }
    java.util.Arrays.sort(shares);
    double slowest = shares.length == 0 ? 0 : shares[0];
    double median = shares.length == 0 ? 0 : shares[shares.length / 2];
    long rss = 0;
    for (long pid : served.pids()) {
      rss += ProcessUsage.rssBytes(pid);
    }
    return new Row(served.name(), players.size(), keptUp, players.size() - players.alive(), slowest, median,
        (server1 - server0) / (double) wall, rss, (players1 - players0) / (double) wall,
        Cores.busy(machine0, machine1), ProcessUsage.loadAverage());
  }

  private static long serverCpuNanos(Served served) {
    long sum = 0;
    for (long pid : served.pids()) {
      long cpu = ProcessUsage.cpuNanos(pid);
      if (cpu < 0) {
        throw new IllegalStateException(served.name() + "'s process " + pid + " exited during the run");
      }
      sum += cpu;
    }
    return sum;
  }

  private static Row print(Row r) {
    boolean alone = r.viewers() == 0;
    System.out.printf("| %s | %s | %s | %.3f | %s | %.0f MiB | %s | %.0f%%%s | %s |%n", r.server(),
        alone ? "0 (the stream alone)" : String.format("%,d", r.viewers()),
        alone ? "-" : String.format("%d/%d (slowest %.0f%%, median %.0f%%)", r.keptUp(), r.viewers(),
            r.slowestShare() * 100, r.medianShare() * 100)
            + (r.exited() > 0 ? ", " + r.exited() + " exited" : ""),
        r.serverCores(), alone ? "-" : String.format("%.2f ms", r.cpuMillisPerViewerSecond()), r.rssBytes() / 1048576.0,
        alone ? "-" : String.format("%.2f", r.playerCores()), r.machineBusy() * 100,
        r.machineBusy() > BUSY_MACHINE ? " (saturated)" : "", r.loadAverage());
    return r;
  }

  private void summarise(List<Row> rows) {
    for (Row s : rows) {
      if (!s.server().equals("Shardcast") || s.viewers() == 0) {
        continue;
      }
      for (Row n : rows) {
        if (n.server().equals("nginx-rtmp") && n.viewers() == s.viewers()) {
          System.out.printf("%,d viewers: Shardcast %.2f, nginx-rtmp %.2f cpu-ms per viewer-second (whole process): "
              + "Shardcast serves %.2fx nginx-rtmp's viewers per core%s%n", s.viewers(), s.cpuMillisPerViewerSecond(),
              n.cpuMillisPerViewerSecond(), n.cpuMillisPerViewerSecond() / s.cpuMillisPerViewerSecond(), caveat(s, n));
        }
      }
    }
    System.out.println("Whole-process CPU with real players is what a server costs on a real machine, the kernel's "
        + "socket work and the process's other threads included; --capacity is how many viewers one core holds when "
        + "only the serving loop counts.");
  }

  private static String caveat(Row... rows) {
    List<String> said = new ArrayList<>();
    for (Row r : rows) {
      if (r.keptUp() < r.viewers()) {
        said.add(r.server() + " left " + (r.viewers() - r.keptUp()) + " players behind");
      }
      if (r.machineBusy() > BUSY_MACHINE) {
        said.add("the machine was saturated during " + r.server() + "'s window");
      }
    }
    return said.isEmpty() ? "" : "; caveat: " + String.join("; ", said);
  }
}
