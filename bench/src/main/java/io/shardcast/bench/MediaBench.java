package io.shardcast.bench;

import com.typesafe.config.ConfigFactory;
import io.shardcast.media.MediaHub;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.StaticDirectory;
import io.shardcast.media.serve.MediaServer;
import io.shardcast.media.serve.MediaSettings;
import io.shardcast.testkit.media.Ffmpeg;
import io.shardcast.testkit.media.NginxRtmp;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Media fan-out on one node: a 720p stream (encoded once by ffmpeg, replayed by ffmpeg with
 * {@code -c copy}, which costs next to nothing) published over RTMP, watched over HTTP-FLV by N
 * lean viewers (one selector thread in this JVM). Reports the media loops' CPU per viewer,
 * viewers per core, heap per viewer, whether every viewer kept up, and the ingest-to-socket
 * delay (p50/p99). With {@code --real-players}, the viewers are rtmpdump processes instead and each
 * server's whole-process CPU is reported ({@link RealPlayersRun}).
 */
@Command(name = "media", mixinStandardHelpOptions = true, description = "Media fan-out: viewers per core (--capacity), "
    + "what a server costs a machine with real players (--real-players), memory, delay.")
public final class MediaBench implements Callable<Integer> {

  @ParentCommand
  BenchCommand bench;

  @Option(names = "--viewers", split = ",", description = "Viewer counts to measure (default 100,500,1000).")
  List<Integer> viewers = List.of(100, 500, 1000);

  @Option(names = "--seconds", description = "Measured seconds per step (default 20).")
  int seconds = 20;

  @Option(names = "--warmup-seconds", description = "Unmeasured seconds with the first viewer count on each server "
      + "before the table (default 15): the JVM's compiled code, not its interpreter, is what a long show runs on.")
  int warmupSeconds = 15;

  @Option(names = "--bitrate", description = "Video bitrate of the 720p stream (default 2500k).")
  String bitrate = "2500k";

  @Option(names = "--protocol", description = "How viewers watch: flv (HTTP-FLV, default) or rtmp.")
  String protocol = "flv";

  @Option(names = "--across", description = "Publish to one media node and watch from a second one, relayed over "
      + "Aeron (both in this JVM, each with its own media driver): the delay then includes the relay.")
  boolean across;

  @Option(names = "--nginx", description = "Also serve the same stream from nginx with its RTMP module (one worker) to "
      + "the same number of RTMP players, side by side (implies --protocol rtmp).")
  boolean nginx;

  @Option(names = "--webrtc", description = "Also watch the same stream over WebRTC (WHEP) from the same node, to the "
      + "same number of lean WebRTC viewers (ICE, DTLS with BouncyCastle's client, then SRTP counted, not decrypted), "
      + "side by side with HTTP-FLV: the WebRTC loop's CPU (packetizing and encrypting per viewer) is what it costs.")
  boolean webrtc;

  @Spec CommandSpec spec;

  /** Who serves a step's viewers. */
  private enum Kind {
    FLV("Shardcast"), NGINX("nginx-rtmp"), WEBRTC("Shardcast WebRTC");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** Bytes per second one WebRTC viewer receives when nothing holds it back (probed before the table). */
  private double webrtcBytesPerSecond;

  @Option(names = "--capacity", description = "Viewers one core holds: each server's serving thread (Shardcast's "
      + "media loop, one of them; nginx's worker) runs alone on core 1, and everything else (players, publishers, the "
      + "rest of this JVM) on core 0. From the first --viewers count the count grows by --step until a step leaves a "
      + "viewer behind; the largest count every viewer kept up with is the server's viewers per core (needs 2 cores "
      + "and taskset).")
  boolean capacity;

  @Option(names = "--step", description = "With --capacity: viewers added per step (default 250).")
  int step = 250;

  @Option(names = "--max-viewers", description = "With --capacity: the count at which a ramp stops even if every "
      + "viewer kept up (default 8000).")
  int maxViewers = 8000;

  @Option(names = "--player-read-interval", description = "Players read at most every this many ms (default 0: as "
      + "soon as anything arrives). On loopback a waiting player is woken inside the server's write, a cost that "
      + "players on other machines would not put on the server.")
  long playerReadIntervalMillis;

  @Option(names = "--max-delay-ms", description = "With --capacity: the players' delay p99 (video frames, above each "
      + "probe's fastest frame) a count must also hold to for the second capacity figure (default 70: an unloaded "
      + "server shows 35-40 ms on this instrument, from the publisher's pacing and the players' read interval, and "
      + "the issue allows a server 30 ms).")
  long maxDelayMillis = 70;

  @Option(names = "--real-players", description = "What each server costs on a real machine: viewers are real RTMP "
      + "players, one rtmpdump process each writing the stream to /dev/null, started --player-batch at a time; "
      + "Shardcast runs as a node process of its own, nginx-rtmp (with --nginx) as its master and one worker; each "
      + "server's CPU is its whole processes' (/proc/PID/stat: every thread, the kernel's socket work included; the "
      + "players' and the publisher's excluded). Reports per --viewers count (each grows from the last, the first "
      + "served --warmup-seconds unmeasured) CPU ms per viewer-second, RSS, whether every player kept up (90%% of the "
      + "stream's bytes), the players' CPU and how busy the machine was. --capacity instead counts the viewers one "
      + "core holds when only the serving loop counts (the players are lean clients in this JVM): that bounds a "
      + "server's loop, this bounds what a machine pays per viewer.")
  boolean realPlayers;

  @Option(names = "--player-batch", description = "With --real-players: players started at once (default 50), one "
      + "batch every --player-batch-pause-ms, so their start-up is not measured as the server's load.")
  int playerBatch = 50;

  @Option(names = "--player-batch-pause-ms", description = "With --real-players: pause after each batch of players "
      + "(default 1000).")
  long playerBatchPauseMillis = 1000;

  @Option(names = "--node-heap", description = "With --real-players: the Shardcast node's -Xmx (default 512m).")
  String nodeHeap = "512m";

  private static final int CLIP_SECONDS = 20;

  /** What one step measured. */
  private record Step(int viewers, int keptUp, double serverCores, double clientCoreBusy, String delay,
      double probeP50, double probeP99) {}

  @Override
  public Integer call() throws Exception {
    if (capacity && Runtime.getRuntime().availableProcessors() < 2) {
      throw new ParameterException(spec.commandLine(), "--capacity needs 2 cores: one for the server, one for its players");
    }
    if (capacity && across) {
      throw new ParameterException(spec.commandLine(), "--capacity measures one server on one core; --across needs two");
    }
    if (realPlayers && (capacity || across || playerReadIntervalMillis != 0 || protocol.equals("flv")
        && spec.commandLine().getParseResult().hasMatchedOption("--protocol"))) {
      throw new ParameterException(spec.commandLine(), "--real-players plays RTMP with rtmpdump on one node; "
          + "--capacity, --across, --player-read-interval and --protocol flv are for the lean in-JVM players");
    }
    if (webrtc && (nginx || across || realPlayers || protocol.equals("rtmp"))) {
      throw new ParameterException(spec.commandLine(), "--webrtc compares WebRTC with HTTP-FLV on one node; "
          + "--nginx, --across, --real-players and --protocol rtmp are for the other comparisons");
    }
    if (realPlayers && (playerBatch < 1 || playerBatchPauseMillis < 0 || viewers.stream().anyMatch(n -> n < 1))) {
      throw new ParameterException(spec.commandLine(), "--viewers and --player-batch must be >= 1, "
          + "--player-batch-pause-ms >= 0");
    }
    Path dir = Files.createTempDirectory("shardcast-media-bench");
    Path clip = dir.resolve("clip.flv");
    System.out.println("encoding a " + CLIP_SECONDS + " s 720p clip at " + bitrate + " once...");
    Ffmpeg.encodeClip(clip, "testsrc2=size=1280x720:rate=30", CLIP_SECONDS, bitrate, 60);
    if (realPlayers) {
      // What a player of the clip writes per second: the clip's FLV tags over its length.
      double streamBytesPerSecond = Files.size(clip) / (double) CLIP_SECONDS;
      System.out.printf("stream: %.0f kbit/s (audio and video); viewers over RTMP play%n",
          streamBytesPerSecond * 8 / 1000);
      new RealPlayersRun(new RealPlayersRun.Settings(viewers, seconds, warmupSeconds, playerBatch,
          playerBatchPauseMillis, nodeHeap, nginx), streamBytesPerSecond).run(bench.nodes(), clip, dir);
      return 0;
    }
    if (nginx) {
      protocol = "rtmp";
    }
    MediaHub hub = new MediaHub(1024);
    com.typesafe.config.Config config = capacity
        ? ConfigFactory.parseString("shardcast.media.io-threads = 1").withFallback(ConfigFactory.load())
        : ConfigFactory.load();
    MediaServer server = MediaServer.start(hub, new StaticDirectory(hub).room("bench", "t"),
        MediaSettings.from(config).withPorts(0, 0));
    if (capacity) {
      // This JVM (and the processes it starts from now on, which inherit it) on core 0; the media
      // loop alone on core 1.
      Cores.pin(ProcessHandle.current().pid(), true, 0);
      for (long tid : Cores.threadsNamed("shardcast-media")) {
        Cores.pin(tid, false, 1);
      }
      for (long tid : Cores.threadsNamed("webrtc")) {
        Cores.pin(tid, false, 1);
      }
    }
    MediaServer origin = server;
    MediaHub originHub = hub;
    java.util.List<AutoCloseable> relays = new java.util.ArrayList<>();
    if (across) {
      // The origin takes the publisher; viewers watch the edge, which the origin relays to over Aeron UDP.
      originHub = new MediaHub(1024);
      origin = MediaServer.start(originHub, new StaticDirectory(originHub).room("bench", "t"),
          MediaSettings.from(ConfigFactory.load()).withPorts(0, 0));
      int[] ports = io.shardcast.testkit.cluster.LocalCluster.freePorts(2);
      io.shardcast.media.relay.AeronRelay originRelay = new io.shardcast.media.relay.AeronRelay(originHub,
          dir.resolve("aeron-origin"), "127.0.0.1", "127.0.0.1", ports[0], 8 << 20);
      io.shardcast.media.relay.AeronRelay edgeRelay = new io.shardcast.media.relay.AeronRelay(hub,
          dir.resolve("aeron-edge"), "127.0.0.1", "127.0.0.1", ports[1], 8 << 20);
      relays.add(edgeRelay);
      relays.add(originRelay);
      relays.add(origin);
      originRelay.addSubscriber("bench", edgeRelay.endpoint());
    }
    Process pub = publish(clip, "rtmp://127.0.0.1:" + origin.rtmpPort() + "/live/bench?token=t", dir);
    NginxRtmp ngx = nginx ? NginxRtmp.start(dir) : null;
    if (ngx != null && capacity) {
      Cores.pin(ngx.workerPid(), false, 1);
    }
    Process ngxPub = ngx == null ? null : publish(clip, "rtmp://127.0.0.1:" + ngx.port + "/live/bench", dir);
    try {
      long until = System.currentTimeMillis() + 20_000;
      MediaRoom room;
      while ((room = hub.existing("bench")) == null || !room.live() || room.tracks().get(0).bytesPerSecond() == 0) {
        if (System.currentTimeMillis() > until) {
          throw new IllegalStateException("the publisher did not start: " + Files.readString(dir.resolve("publisher.log")));
        }
        Thread.sleep(200);
      }
      double streamBytesPerSecond = room.tracks().get(0).bytesPerSecond();
      System.out.printf("stream: %.0f kbit/s (audio and video); viewers over %s%s%n", streamBytesPerSecond * 8 / 1000,
          protocol.equals("rtmp") ? "RTMP play" : "HTTP-FLV", across ? ", on an edge relayed from the origin" : "");
      if (webrtc) {
        webrtcBytesPerSecond = probeWebrtc(server);
        System.out.printf("one WebRTC viewer alone receives %.0f kbit/s (SRTP: video, Opus, RTP and SRTP headers)%n",
            webrtcBytesPerSecond * 8 / 1000);
      }
      if (capacity) {
        capacityRamps(server, ngx, streamBytesPerSecond);
        return 0;
      }
      System.out.println("| server | viewers | kept up | server CPU (cores) | viewers per core | CPU per viewer-second"
          + " | memory per viewer | ingest-to-socket p50 / p99 |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      List<Kind> kinds = new ArrayList<>(List.of(Kind.FLV));
      if (ngx != null) {
        kinds.add(Kind.NGINX);
      }
      if (webrtc) {
        kinds.add(Kind.WEBRTC);
      }
      if (warmupSeconds > 0) {
        for (Kind k : kinds) {
          step(k, server, ngx, viewers.get(0), streamBytesPerSecond, warmupSeconds, false);
        }
      }
      for (int n : viewers) {
        for (Kind k : kinds) {
          step(k, server, ngx, n, streamBytesPerSecond, seconds, true);
        }
      }
    } finally {
      pub.destroyForcibly();
      if (ngxPub != null) {
        ngxPub.destroyForcibly();
      }
      if (ngx != null) {
        ngx.close();
      }
      server.close();
      for (AutoCloseable c : relays) {
        c.close();
      }
    }
    return 0;
  }

  static Process publish(Path clip, String url, Path dir) throws Exception {
    return Ffmpeg.process(List.of(Ffmpeg.ffmpeg().orElseThrow(), "-hide_banner", "-loglevel", "error", "-re",
        "-stream_loop", "-1", "-i", clip.toString(), "-c", "copy", "-f", "flv", url)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("publisher.log").toFile())).start();
  }

  /**
   * Each server's ramp, one after the other: warm-up at the first count, then steps of {@link #step}
   * viewers until one leaves a viewer behind. The players' core is watched too: a ramp that ends
   * with it saturated measured the players, not the server, and says so.
   */
  private void capacityRamps(MediaServer server, NginxRtmp ngx, double streamBytesPerSecond) throws Exception {
    System.out.println("| server | viewers | kept up | server CPU (cores, on core 1) | players' core busy (core 0) "
        + "| ingest-to-socket p50 / p99 | delay at the players p50 / p99 |");
    System.out.println("|---|---|---|---|---|---|---|");
    List<String> summary = new ArrayList<>();
    List<Kind> kinds = new ArrayList<>(List.of(Kind.FLV));
    if (ngx != null) {
      kinds.add(Kind.NGINX);
    }
    if (webrtc) {
      kinds.add(Kind.WEBRTC);
    }
    int[] held = new int[kinds.size()];
    boolean[] lowerBound = new boolean[kinds.size()];
    int[] prompt = new int[kinds.size()];
    for (int s = 0; s < kinds.size(); s++) {
      Kind kind = kinds.get(s);
      String name = kind.label;
      if (warmupSeconds > 0) {
        step(kind, server, ngx, viewers.get(0), streamBytesPerSecond, warmupSeconds, false);
      }
      Step last = null;
      for (int n = viewers.get(0); n <= maxViewers; n += step) {
        last = step(kind, server, ngx, n, streamBytesPerSecond, seconds, false);
        System.out.printf("| %s | %d | %d/%d | %.2f | %.0f%% | %s | %s |%n", name, n, last.keptUp(), n,
            last.serverCores(), last.clientCoreBusy() * 100, last.delay(), last.probeP99() < 0
                ? "n/a (RTMP players only)" : String.format("%.0f / %.0f ms", last.probeP50(), last.probeP99()));
        if (last.keptUp() < n) {
          break;
        }
        held[s] = n;
        if (last.probeP99() >= 0 && last.probeP99() <= maxDelayMillis) {
          prompt[s] = n;
        }
      }
      lowerBound[s] = last != null && last.keptUp() == last.viewers();
      String bound = last != null && last.keptUp() < last.viewers() && last.clientCoreBusy() > 0.95
          ? " (the players' core was saturated when the ramp ended: a lower bound set by the client)"
          : last != null && last.keptUp() == last.viewers() ? " (every step kept up: a lower bound)" : "";
      summary.add(name + ": " + held[s] + " viewers on one core" + bound + "; " + prompt[s]
          + " with the players' delay p99 within " + maxDelayMillis + " ms");
    }
    summary.forEach(System.out::println);
    if (webrtc && held[1] > 0) {
      System.out.printf("WebRTC / HTTP-FLV viewers per core: %.2fx%s%n", held[1] / (double) held[0],
          lowerBound[0] ? " (at most: HTTP-FLV's ramp ended with every viewer keeping up)" : "");
    }
    if (ngx != null && held[1] > 0) {
      System.out.printf("Shardcast / nginx-rtmp viewers per core: %.2fx (%s with the delay bound)%n",
          held[0] / (double) held[1], prompt[1] > 0 ? String.format("%.2fx", prompt[0] / (double) prompt[1]) : "n/a");
    }
  }

  /** What one WebRTC viewer alone receives per second, over 10 s. */
  private static double probeWebrtc(MediaServer server) throws Exception {
    try (WhepPlayers one = WhepPlayers.connect("127.0.0.1", server.httpPort(), "bench", 1, 1)) {
      Thread.sleep(3000);
      long start = one.snapshot()[0];
      long t0 = System.nanoTime();
      Thread.sleep(10_000);
      return (one.snapshot()[0] - start) / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private Step step(Kind kind, MediaServer server, NginxRtmp ngx, int n, double streamBytesPerSecond, int seconds,
      boolean print) throws Exception {
    System.gc();
    if (kind != Kind.NGINX) {
      ngx = null;
    }
    long memBefore = ngx != null ? ProcessUsage.rssBytes(ngx.workerPid()) : usedHeap();
    MediaPlayers players = null;
    WhepPlayers whep = null;
    Thread t = null;
    if (kind == Kind.WEBRTC) {
      whep = WhepPlayers.connect("127.0.0.1", server.httpPort(), "bench", n, 4);
      streamBytesPerSecond = webrtcBytesPerSecond;
    } else {
      players = !protocol.equals("rtmp") ? MediaPlayers.httpFlv("127.0.0.1", server.httpPort(), "/live/bench.flv", n)
          : MediaPlayers.rtmp("127.0.0.1", ngx != null ? ngx.port : server.rtmpPort(), "live", "bench", n);
      players.readEvery(playerReadIntervalMillis);
      t = new Thread(players, "bench-players");
      t.setDaemon(true);
      t.start();
    }
    Thread.sleep(5000); // all connected, past the first GOP burst
    System.gc();
    long memAfter = ngx != null ? ProcessUsage.rssBytes(ngx.workerPid()) : usedHeap();
    long[] start = whep != null ? whep.snapshot() : players.snapshot(true);
    if (kind != Kind.NGINX) {
      server.resetDelivery();
    }
    long cpu0 = cpuNanos(kind, server, ngx);
    long[] core0 = Cores.ticks(0);
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long wall = System.nanoTime() - t0;
    long[] core0End = Cores.ticks(0);
    long cpu = cpuNanos(kind, server, ngx) - cpu0;
    long[] end = whep != null ? whep.snapshot() : players.snapshot(false);
    String delay = kind != Kind.FLV ? "n/a" : String.format("%.1f / %.1f ms", server.deliveryMillis(0.5),
        server.deliveryMillis(0.99));
    double probeP50 = -1;
    double probeP99 = -1;
    if (whep != null) {
      whep.close();
    } else {
      players.stop();
      t.join(5000);
      probeP50 = players.probeDelayMillis(0.5);
      probeP99 = players.probeDelayMillis(0.99);
    }
    int keptUp = 0;
    double expected = streamBytesPerSecond * wall / 1e9;
    for (int i = 0; i < n; i++) {
      if (end[i] - start[i] >= 0.9 * expected) {
        keptUp++;
      }
    }
    double cores = cpu / (double) wall;
    Step result = new Step(n, keptUp, cores, Cores.busy(core0, core0End), delay, probeP50, probeP99);
    if (!print) {
      Thread.sleep(3000);
      return result;
    }
    double perViewerUs = cpu / 1000.0 / n / (wall / 1e9);
    System.out.printf("| %s | %d | %d/%d | %.3f | %.0f | %.1f us | %.1f KiB %s | %s |%n",
        kind.label, n, keptUp, n, cores, cores > 0 ? n / cores : 0, perViewerUs,
        (memAfter - memBefore) / 1024.0 / n, ngx != null ? "(RSS)" : "(heap)", delay);
    Thread.sleep(3000);
    return result;
  }

  private static long cpuNanos(Kind kind, MediaServer server, NginxRtmp ngx) {
    return switch (kind) {
      case NGINX -> ProcessUsage.cpuNanos(ngx.workerPid());
      case WEBRTC -> server.webrtcCpuNanos();
      case FLV -> server.loopCpuNanos();
    };
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
