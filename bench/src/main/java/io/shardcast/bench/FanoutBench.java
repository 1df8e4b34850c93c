package io.shardcast.bench;

import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.ChatLoad;
import io.shardcast.testkit.load.Heap;
import io.shardcast.testkit.load.LatencyRecorder;
import io.shardcast.testkit.load.RoomScript;
import io.shardcast.testkit.load.Viewer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code shardcast bench fanout}: one room, N viewers over local node processes, comments and likes
 * flowing in; reports delivery rate, comment-to-viewer latency and heap per idle viewer. The
 * receive-only viewers run in this JVM or, past what one process may open, in client processes
 * ({@code --client-processes}). Runs can be kept in a results CSV and drawn: latency against
 * viewers over many runs.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true, description = "One room, many viewers: delivery and latency.")
public final class FanoutBench implements Callable<Integer> {

  @ParentCommand
  BenchCommand bench;

  @Option(names = "--viewers", defaultValue = "10000") int viewers;
  @Option(names = "--nodes", defaultValue = "3") int nodes;
  @Option(names = "--comments-per-second", defaultValue = "200") int commentsPerSecond;
  @Option(names = "--likes-per-second", defaultValue = "5000") int likesPerSecond;
  @Option(names = "--seconds", defaultValue = "30") int seconds;
  @Option(names = "--assistant", description = "the room has the assistant bench's catalog and its shopping assistant on;"
      + " the comments are the assistant bench's questions, in turn (default: off, every comment \"bench\")")
  boolean assistant;
  @Option(names = "--warmup-seconds", defaultValue = "60",
      description = "load run before measuring, so the JIT has compiled the hot paths (after 10 s the "
          + "compiler threads still took a fifth of this machine's CPU, after 60 s a tenth)")
  int warmupSeconds;
  @Option(names = "--node-heap", defaultValue = "2g") String nodeHeap;
  @Option(names = "--node-property", description = "a -Dkey=value for every node, e.g. shardcast.room.viewer.batch-window=0ms")
  List<String> nodeProperties = new ArrayList<>();
  @Option(names = "--client-threads", defaultValue = "4",
      description = "selector threads of the receive-only viewers (in each client process)")
  int clientThreads;
  @Option(names = "--client-processes", defaultValue = "1", paramLabel = "N",
      description = "spread the receive-only viewers evenly over N client processes (JVMs of this program, started "
          + "and ended by the bench; the senders stay in the bench's JVM), as one process may open only so many "
          + "sockets (ulimit -n); 1: all in the bench's JVM. Latencies are merged from every sample, not averaged")
  int clientProcesses;
  @Option(names = "--client-poll-millis", defaultValue = "2",
      description = "the receive-only viewers' threads look at their sockets this often (adding up to that much to "
          + "each latency) instead of waking for each readable one (0): see LeanViewers")
  int clientPollMillis;
  @Option(names = "--window-seconds", defaultValue = "5", description = "the p99 is also printed for each this many seconds")
  int windowSeconds;
  @Option(names = "--results", paramLabel = "FILE", description = "append this run's line to this CSV (made, with "
      + "its header, if new): " + FanoutResult.HEADER + "; latencies are comment -> viewer")
  Path results;
  @Option(names = "--build", paramLabel = "LABEL", description = "the build measured, for --results (default: "
      + "`git describe --always --dirty` of the current directory, else unknown); runs of one build are drawn together")
  String build;
  @Option(names = "--note", paramLabel = "TEXT", description = "for --results: where the line came from (default: "
      + "the command line)")
  String note;
  @Option(names = "--chart", paramLabel = "FILE", description = "draw p50 and p99 against viewers, one colour per "
      + "build, from every line of --results into this SVG, after the run")
  Path chart;
  @Option(names = "--chart-only", description = "draw --chart from --results and stop: no benchmark run")
  boolean chartOnly;

  @Spec CommandSpec spec;

  /** Files a client process holds besides its viewers' sockets: jars, selectors, pipes, with room to spare. */
  private static final int FILES_BESIDES_VIEWERS = 500;

  @Override
  public Integer call() throws Exception {
    if ((chart != null || chartOnly) && results == null) {
      System.err.println("bench fanout: --chart and --chart-only draw from a --results FILE; give one");
      return 2;
    }
    if (chartOnly && chart == null) {
      System.err.println("bench fanout: --chart-only needs --chart FILE to draw into");
      return 2;
    }
    for (Path file : new Path[] {results, chart}) {
      if (file != null && Files.isDirectory(file)) {
        System.err.println("bench fanout: " + file + " is a directory; --results and --chart want a file");
        return 2;
      }
    }
    if (chartOnly) {
      return draw();
    }
    if (viewers < 1 || nodes < 1 || seconds < 1 || clientThreads < 1 || commentsPerSecond < 0 || likesPerSecond < 0
        || windowSeconds < 1 || clientPollMillis < 0 || clientProcesses < 1) {
      System.err.println("bench fanout: --viewers, --nodes, --seconds, --client-threads, --client-processes, "
          + "--window-seconds must be >= 1; rates and --client-poll-millis >= 0");
      return 2;
    }
    Path dir = Files.createTempDirectory("shardcast-bench-fanout");
    List<String> jvm = new ArrayList<>(List.of("-Xms" + nodeHeap, "-Xmx" + nodeHeap, LocalCluster.FIXED_SIZE));
    nodeProperties.forEach(p -> jvm.add("-D" + p));
    try (LocalCluster cluster = LocalCluster.start(bench.nodes(), nodes, dir, 0, jvm, List.of())) {
      List<String> viewerBases = cluster.nodes().stream().map(LocalCluster.Node::ws).toList();
      // A few JDK WebSocket viewers send the comments and likes (and receive like everyone else);
      // the rest are receive-only viewers on a few NIO threads, so the client is not the bottleneck.
      // Enough senders that none exceeds the per-viewer rate limit (2 comments/s, 20 messages/s).
      int senders = ChatLoad.sendersFor(viewers, commentsPerSecond, likesPerSecond);
      warnIfTooFewFiles(senders);
      // Client processes start while the nodes do.
      try (FanoutAudience lean = clientProcesses == 1
          ? new LocalAudience(viewerBases, senders, viewers, clientThreads, clientPollMillis)
          : ClientProcesses.start(bench.nodes(), clientCommand(), clientProcesses, viewerBases, senders, viewers,
              clientThreads, clientPollMillis, dir)) {
        return run(cluster, lean, senders);
      }
    }
  }

  /** The run itself, once the nodes and the receive-only viewers' clients are started. */
  private int run(LocalCluster cluster, FanoutAudience lean, int senders) throws Exception {
    cluster.awaitReady(java.time.Duration.ofSeconds(180));
    RoomScript room = new RoomScript(cluster.node(0).http()).create("bench");
    long[] heapBefore = new long[nodes];
    for (int i = 0; i < nodes; i++) {
      heapBefore[i] = Heap.usedAfterGc(cluster.node(i).process());
    }
    // The senders' comment latencies; the receive-only viewers' come in their reports.
    LatencyRecorder latency = new LatencyRecorder();
    HttpClient ws = HttpClient.newHttpClient();
    List<Viewer> audience = new ArrayList<>();
    long connectStart = System.nanoTime();
    for (int j = 0; j < senders; j++) {
      audience.add(new Viewer("s" + j, latency, false).connect(ws, cluster.node(j % nodes).ws(), room.roomId(), -1)
          .get());
    }
    int connected = senders + (int) lean.connect(room.roomId()).connected();
    double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
    Thread.sleep(2000);
    long heapDelta = 0;
    for (int i = 0; i < nodes; i++) {
      heapDelta += Heap.usedAfterGc(cluster.node(i).process()) - heapBefore[i];
    }
    System.out.printf("connected %d viewers in %.1f s; heap per idle viewer %.1f KiB%n", connected,
        connectSeconds, heapDelta / 1024.0 / Math.max(1, connected));
    if (clientProcesses > 1) {
      StringBuilder each = new StringBuilder();
      for (AudienceReport r : lean.byClient()) {
        each.append(each.length() == 0 ? "" : ", ").append(r.connected()).append('/').append(r.viewers());
      }
      System.out.printf("  receive-only viewers connected by %d client processes: %s; open-files limit %d%n",
          clientProcesses, each, AudienceReport.merge(lean.byClient()).openFilesLimit());
    }

    ChatLoad chat = new ChatLoad(audience, commentsPerSecond, likesPerSecond);
    if (assistant) {
      chat.withTexts(AssistantBench.switchOn(room, cluster.node(0).http()));
      System.out.println("the room's assistant is on: every other comment is one of the assistant bench's questions");
    }
    if (warmupSeconds > 0) {
      chat.drive(warmupSeconds);
      Thread.sleep(2000);
      latency.reset();
      if (assistant) {
        AssistantBench.restart(room, cluster.node(0).http()); // its figures from here on
      }
      System.out.printf("warmed up for %d s%n", warmupSeconds);
    }
    long sendersReceivedBefore = Viewer.totalReceived(audience);
    lean.measure(); // forgets the warm-up's latencies and counts
    long start = System.nanoTime();
    // The p99 of each few seconds of the run: a tail made by a few bad seconds (a GC pause, a compile
    // burst) reads differently from one that is high throughout. The last one also holds the
    // deliveries of the 2 s after the load stops, as the whole run's figure does.
    List<Long> windows = new ArrayList<>();
    long[][] last = {commentCounts(latency, lean)};
    Runnable sample = () -> {
      long[] now = commentCounts(latency, lean);
      synchronized (windows) {
        windows.add(LatencyRecorder.quantileBetween(last[0], now, 0.99));
        last[0] = now;
      }
    };
    java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-fanout-sampler");
      t.setDaemon(true);
      return t;
    });
    long commentsSent;
    try {
      sampler.scheduleAtFixedRate(sample, windowSeconds, windowSeconds, java.util.concurrent.TimeUnit.SECONDS);
      commentsSent = chat.drive(seconds);
    } finally {
      // Not interrupted: a sample under way asks the client processes, and waits for their replies.
      sampler.shutdown();
    }
    sampler.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    Thread.sleep(2000);
    sample.run();
    double elapsed = (System.nanoTime() - start) / 1e9;
    AudienceReport got = lean.report();
    // Percentiles of every sample together, the senders' and each client's: never averaged.
    AudienceReport.Latencies comments = AudienceReport.Latencies.of(latency.counts()).plus(got.commentLatency());
    long delivered = Viewer.totalReceived(audience) - sendersReceivedBefore + got.events();
    long outOfOrder = audience.stream().mapToLong(Viewer::outOfOrder).sum() + got.outOfOrder();
    long open = audience.stream().filter(Viewer::isOpen).count() + got.open();
    System.out.printf("viewers %d (open at end %d), nodes %d, comments/s %d, likes/s %d, %d s%n", connected,
        open, nodes, commentsPerSecond, likesPerSecond, seconds);
    System.out.printf("WebSocket messages/s to the receive-only viewers %.0f (%.1f events per message)%n",
        got.messages() / elapsed, got.events() / (double) Math.max(1, got.messages()));
    System.out.printf("events delivered/s %.0f; comment->viewer latency p50 %d ms p99 %d ms (%d samples); "
        + "out of order %d%n", delivered / elapsed, comments.quantile(0.5), comments.quantile(0.99), comments.count(),
        outOfOrder);
    System.out.printf("  of which room -> viewer (from the room's accept stamp): p50 %d ms p99 %d ms%n",
        got.roomToViewer().quantile(0.5), got.roomToViewer().quantile(0.99));
    synchronized (windows) {
      System.out.printf("  comment->viewer p99 of each %d s: %s ms%n", windowSeconds, windows);
    }
    long rejected = audience.stream().mapToLong(Viewer::errors).sum();
    System.out.printf("error frames to senders %d%s%n", rejected, rejected > 0 ? " (last: " + audience.stream()
        .filter(v -> v.lastError() != null).findFirst().map(Viewer::lastError).orElse("") + ")" : "");
    System.out.printf("comments sent %d; delivered to %.1f%% of (comments x viewers); the rest sampled away%n",
        commentsSent, 100.0 * comments.count() / Math.max(1, commentsSent * (double) connected));
    if (assistant) {
      AssistantBench.printFigures(room, cluster.node(0).http(), elapsed);
    }
    audience.forEach(Viewer::close);
    if (results != null && comments.count() == 0) {
      System.out.println("results: nothing measured, no line added to " + results);
    } else if (results != null) {
      String why = note != null ? note : "bench fanout " + String.join(" ", spec.commandLine().getParseResult()
          .originalArgs()) + (connected < viewers ? " (" + connected + " connected)" : "");
      new FanoutResult(LocalDate.now().toString(), build != null ? build : gitDescribe(), viewers, nodes,
          comments.quantile(0.5), comments.quantile(0.9), comments.quantile(0.99), comments.quantile(1.0), why)
          .appendTo(results);
      System.out.println("results: a line added to " + results);
    }
    return chart != null ? draw() : 0;
  }

  /** Comment -> viewer samples so far, one count per millisecond: the senders' and the receive-only viewers'. */
  private static long[] commentCounts(LatencyRecorder senders, FanoutAudience lean) {
    try {
      return lean.report().commentLatency().addTo(senders.counts());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the viewers' clients", e);
    }
  }

  /**
   * Warns when a process is to hold more viewers than it may open files (this JVM's limit, which its
   * client processes inherit): those beyond would not connect.
   */
  private void warnIfTooFewFiles(int senders) {
    long limit = LocalAudience.openFilesLimit();
    int receivers = viewers - senders;
    int perProcess = (receivers + clientProcesses - 1) / clientProcesses + (clientProcesses == 1 ? senders : 0);
    if (limit > 0 && perProcess > limit - FILES_BESIDES_VIEWERS) {
      System.err.printf("bench fanout: a process may open %d files (ulimit -n), and one is to hold about %d viewers: "
          + "some will not connect; more --client-processes share them out%n", limit, perProcess);
    }
  }

  /** How this program reaches {@code bench fanout-client}: this command's parents below the program, then its name. */
  private List<String> clientCommand() {
    List<String> path = new ArrayList<>();
    for (CommandLine c = spec.commandLine().getParent(); c != null && c.getParent() != null; c = c.getParent()) {
      path.add(0, c.getCommandName());
    }
    path.add(FanoutClient.NAME);
    return path;
  }

  /** Draws {@link #chart} from every line of {@link #results}; a missing or malformed file is a usage error. */
  private int draw() throws Exception {
    if (!Files.isRegularFile(results)) {
      System.err.println("bench fanout: no results file at " + results);
      return 2;
    }
    List<FanoutResult> lines;
    try {
      lines = FanoutResult.read(results);
    } catch (IllegalArgumentException e) {
      System.err.println("bench fanout: " + e.getMessage());
      return 2;
    }
    FanoutChart.of(lines).write(chart);
    System.out.println("chart: " + chart + " (" + lines.size() + " runs from " + results + ")");
    return 0;
  }

  /** The checkout's commit, as git names it (with -dirty for local changes), or "unknown". */
  private static String gitDescribe() {
    try {
      Process git = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
      String out = new String(git.getInputStream().readAllBytes()).strip();
      return git.waitFor(5, TimeUnit.SECONDS) && git.exitValue() == 0 && !out.isEmpty() ? out : "unknown";
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return "unknown";
    }
  }

}
