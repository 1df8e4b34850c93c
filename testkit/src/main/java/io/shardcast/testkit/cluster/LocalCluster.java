package io.shardcast.testkit.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of {@code shardcast node} processes on loopback, started from this JVM's classpath by
 * the {@link NodeProgram} it is given: used by the demo, the benchmarks, the chaos suite and the
 * multi-node tests. Closing it kills every process.
 */
public final class LocalCluster implements AutoCloseable {

  /** One node process, its address and ports. */
  public record Node(int index, String host, int httpPort, int viewerPort, int remotePort, int managementPort,
      int rtmpPort, int mediaPort, int relayPort, int rtpPort, int webrtcPort, Process process, Path log) implements Endpoint {
    @Override
    public String http() {
      return "http://" + host + ":" + httpPort;
    }

    /** RTMP base of the node: {@code rtmp://host:port/live}. */
    public String rtmp() {
      return "rtmp://" + host + ":" + rtmpPort + "/live";
    }

    /** Base URL of the node's HTTP-FLV listener. */
    public String media() {
      return "http://" + host + ":" + mediaPort;
    }

    /** Base URL of the node's viewer listener for HTTP (orders). */
    public String viewerHttp() {
      return "http://" + host + ":" + viewerPort;
    }

    /** Base URL of the node's viewer WebSockets. */
    @Override
    public String ws() {
      return "ws://" + host + ":" + viewerPort;
    }

    /** The node's Artery address as {@code host:port}, as the cluster names it. */
    @Override
    public String address() {
      return host + ":" + remotePort;
    }

    public String management() {
      return "http://" + host + ":" + managementPort;
    }

    /**
     * Why this node's process is gone, on one line for a test's failure summary: its exit code
     * and the last warnings and errors of its log.
     */
    public String gone() {
      String code = process.isAlive() ? "still running" : "exit code " + process.exitValue();
      List<String> last = new ArrayList<>();
      try {
        for (String line : Files.readAllLines(log)) {
          if (line.contains("WARN") || line.contains("ERROR") || line.contains("Exception")) {
            last.add(line.strip());
            if (last.size() > LOG_LINES_SHOWN) {
              last.remove(0);
            }
          }
        }
      } catch (IOException e) {
        last.add("(log unreadable: " + e.getMessage() + ")");
      }
      return code + "; last warnings: " + String.join(" | ", last) + "; see " + log;
    }
  }

  /** How many warning lines of a node's log a failure message carries. */
  private static final int LOG_LINES_SHOWN = 6;

  /**
   * Where each node runs: the address it binds, a command prefix (e.g. {@code ip netns exec ns})
   * and JVM options of its own. The default runs every node on loopback.
   */
  public interface Placement {
    default String host(int index) {
      return "127.0.0.1";
    }

    default List<String> prefix(int index) {
      return List.of();
    }

    default List<String> jvmOptions(int index) {
      return List.of();
    }
  }

  private static final Placement LOOPBACK = new Placement() {};

  /**
   * A JVM option for clusters that must keep their size (benchmarks of other things, fixed-size
   * tests): the autoscaler decides and shows, but does not act.
   */
  public static final String FIXED_SIZE = "-Dshardcast.autoscaler.acting=off";

  private static final String OPS_TOKEN_OPTION = "-Dshardcast.ops.token=";

  /** Ports a node takes: gateway, viewers, Artery, management, RTMP, media HTTP, media relay and RTP (UDP). */
  private static final int PORTS = 9;
  private final List<Node> nodes = new ArrayList<>();
  private final NodeProgram program;
  private final Path dataDir;
  private final List<String> jvmOptions;
  private final String opsToken;
  /** Whether {@link #opsToken} was made up here (and goes to the nodes as SHARDCAST_OPS_TOKEN). */
  private final boolean madeUpToken;
  private final List<String> nodeArgs;
  private final Placement placement;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Thread reaper = new Thread(this::killAll, "local-cluster-reaper");

  private LocalCluster(NodeProgram program, Path dataDir, List<String> jvmOptions, List<String> nodeArgs,
      Placement placement) {
    this.program = program;
    this.dataDir = dataDir;
    String token = null;
    for (String o : jvmOptions) {
      if (o.startsWith(OPS_TOKEN_OPTION)) {
        token = o.substring(OPS_TOKEN_OPTION.length());
      }
    }
    this.madeUpToken = token == null;
    this.opsToken = token == null ? "local-" + java.util.UUID.randomUUID() : token;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.nodeArgs = nodeArgs;
    this.placement = placement;
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * The ops token of every node ({@code shardcast.ops.token}: both ops scopes): the one given in
   * the JVM options ({@code -Dshardcast.ops.token=}), else one made up for this cluster and given
   * to the nodes as {@code SHARDCAST_OPS_TOKEN} (a config file given to the nodes that sets its
   * own takes precedence; its holder knows that one).
   */
  public String opsToken() {
    return opsToken;
  }

  /**
   * Starts {@code count} nodes sharing {@code dataDir}'s H2 journal (or the journal named in
   * {@code nodeArgs}), on free ports or on consecutive ports from the given bases when they are > 0.
   */
  public static LocalCluster start(NodeProgram program, int count, Path dataDir, int baseHttpPort,
      List<String> jvmOptions, List<String> nodeArgs) throws IOException {
    return start(program, count, dataDir, baseHttpPort, jvmOptions, nodeArgs, LOOPBACK);
  }

  /** As {@link #start(NodeProgram, int, Path, int, List, List)}, each node placed by {@code placement}. */
  public static LocalCluster start(NodeProgram program, int count, Path dataDir, int baseHttpPort,
      List<String> jvmOptions, List<String> nodeArgs, Placement placement) throws IOException {
    Files.createDirectories(dataDir);
    LocalCluster cluster = new LocalCluster(program, dataDir, jvmOptions, nodeArgs, placement);
    int[] remote = new int[count];
    int[] http = new int[count];
    int[] mgmt = new int[count];
    int[] viewer = new int[count];
    // All at once: ports picked one by one may repeat (a closed port is free to be handed out again).
    int[] free = freePorts(PORTS * count);
    for (int i = 0; i < count; i++) {
      http[i] = baseHttpPort > 0 ? baseHttpPort + i : free[PORTS * i];
      viewer[i] = baseHttpPort > 0 ? baseHttpPort + 100 + i : free[PORTS * i + 1];
      remote[i] = free[PORTS * i + 2];
      mgmt[i] = free[PORTS * i + 3];
    }
    String seeds = placement.host(0) + ":" + remote[0];
    for (int i = 0; i < count; i++) {
      cluster.launch(i, http[i], viewer[i], remote[i], mgmt[i], free[PORTS * i + 4], free[PORTS * i + 5],
          free[PORTS * i + 6], free[PORTS * i + 7], free[PORTS * i + 8], seeds, nodeArgs);
    }
    return cluster;
  }

  /**
   * Starts one more node joining the cluster (seeded by the first node), on free ports, with
   * {@code nodeArgs}; returns it without waiting for it (see {@link #ready}).
   */
  public Node add(List<String> nodeArgs) throws IOException {
    int i = nodes.size();
    int[] p = freePorts(PORTS);
    launch(i, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], nodes.get(0).address(), nodeArgs);
    return nodes.get(i);
  }

  /**
   * Starts node {@code i} again, on the same address and ports, after it exited (killed, downed,
   * or stopped): seeded by the other nodes, so even the first node joins the running cluster
   * rather than forming a new one.
   */
  public Node restart(int i) throws IOException {
    Node old = nodes.get(i);
    if (old.process().isAlive()) {
      throw new IllegalStateException("node " + (i + 1) + " is still running");
    }
    List<String> seeds = new ArrayList<>();
    for (Node n : nodes) {
      if (n.index() != i) {
        seeds.add(n.address());
      }
    }
    launch(i, old.httpPort(), old.viewerPort(), old.remotePort(), old.managementPort(), old.rtmpPort(),
        old.mediaPort(), old.relayPort(), old.rtpPort(), old.webrtcPort(), String.join(",", seeds), nodeArgs);
    return nodes.get(i);
  }

  /** SIGSTOP: the node freezes as in a very long GC pause; {@link #resume} ends it. */
  public void pause(int i) throws IOException, InterruptedException {
    signal(nodes.get(i).process().pid(), "STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume(int i) throws IOException, InterruptedException {
    signal(nodes.get(i).process().pid(), "CONT");
  }

  private static void signal(long pid, String sig) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true).start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + sig + " " + pid + " failed: " + new String(kill.getInputStream().readAllBytes()));
    }
  }

  private void launch(int i, int httpPort, int viewerPort, int remotePort, int mgmtPort, int rtmpPort, int mediaPort,
      int relayPort, int rtpPort, int webrtcPort, String seeds, List<String> nodeArgs) throws IOException {
    List<String> jvm = new ArrayList<>(jvmOptions);
    jvm.addAll(placement.jvmOptions(i));
    List<String> args = new ArrayList<>(List.of("node", "--hostname", placement.host(i), "--http-port", "" + httpPort,
        "--viewer-port", "" + viewerPort, "--remote-port", "" + remotePort, "--rtmp-port", "" + rtmpPort,
        "--media-port", "" + mediaPort, "--relay-port", "" + relayPort, "--rtp-port", "" + rtpPort,
        "--webrtc-port", "" + webrtcPort, "--management-port", "" + mgmtPort, "--seed-nodes", seeds, "--data-dir", dataDir.toAbsolutePath().toString()));
    args.addAll(nodeArgs);
    List<String> cmd = new ArrayList<>(placement.prefix(i));
    cmd.addAll(program.command(jvm, args));
    Path log = dataDir.resolve("node-" + (i + 1) + ".log");
    if (i >= nodes.size()) {
      Files.deleteIfExists(log); // a restarted node's log goes on in the same file
    }
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (madeUpToken) {
      builder.environment().put("SHARDCAST_OPS_TOKEN", opsToken);
    }
    Process p = builder.start();
    Node node = new Node(i, placement.host(i), httpPort, viewerPort, remotePort, mgmtPort, rtmpPort, mediaPort, relayPort, rtpPort, webrtcPort, p, log);
    if (i < nodes.size()) {
      nodes.set(i, node);
    } else {
      nodes.add(node);
    }
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Node node(int i) {
    return nodes.get(i);
  }

  /** The node whose Artery port is in {@code hostPort} ("127.0.0.1:25521"), or null. */
  public Node byAddress(String hostPort) {
    for (Node n : nodes) {
      if (hostPort.endsWith(":" + n.remotePort())) {
        return n;
      }
    }
    return null;
  }

  /** Waits until every live node answers /ready, and the cluster has them all as members. */
  public void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Node n : nodes) {
      while (!ready(n)) {
        if (!n.process().isAlive()) {
          throw new IllegalStateException("node " + (n.index() + 1) + " exited: " + n.gone());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("node " + (n.index() + 1) + " not ready in " + timeout + "; see " + n.log());
        }
        Thread.sleep(250);
      }
    }
  }

  public boolean ready(Node n) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
          URI.create(n.management() + "/ready")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGKILL: the node gets no chance to hand anything off. */
  public void kill(int i) throws InterruptedException {
    Process p = nodes.get(i).process();
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: CoordinatedShutdown hands the node's rooms off. */
  public void terminate(int i) throws InterruptedException {
    Process p = nodes.get(i).process();
    p.destroy();
    p.waitFor(60, TimeUnit.SECONDS);
  }

  /** Whether a node process of this cluster runs with Artery port {@code remotePort} (ours or one a node started). */
  public boolean isRunning(int remotePort) {
    String flag = "--remote-port " + remotePort + " ";
    return processes().stream().anyMatch(p -> (commandLine(p) + " ").contains(flag));
  }

  /** Copies the node logs (and those of nodes the nodes started) to {@code dir}, e.g. to keep them after a test. */
  public void copyLogs(Path dir) {
    try (var files = Files.walk(dataDir)) {
      Files.createDirectories(dir);
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      System.err.println("could not keep the node logs: " + e);
    }
  }

  /**
   * Every node process of this cluster alive now: those started here and those the nodes started
   * themselves (the autoscaler's local backend), found by their shared data directory.
   */
  public List<ProcessHandle> processes() {
    String marker = "--data-dir " + dataDir.toAbsolutePath();
    return ProcessHandle.allProcesses()
        .filter(h -> {
          String c = commandLine(h);
          return c.contains(program.nodeCommand()) && (c.contains(marker + " ") || c.endsWith(marker));
        })
        .toList();
  }

  /**
   * Gateway URLs of this cluster's live node processes, those started here first: a client that
   * lost its gateway (the node was drained away) goes on with the next.
   */
  public List<String> liveGateways() {
    List<String> out = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (ProcessHandle h : processes()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("--http-port (\\d+)").matcher(commandLine(h));
      if (m.find()) {
        all.add("http://127.0.0.1:" + m.group(1));
      }
    }
    for (Node n : nodes) {
      if (all.remove(n.http())) {
        out.add(n.http());
      }
    }
    out.addAll(all);
    return out;
  }

  /** A process's full command line (Linux /proc; ProcessHandle.Info may shorten a long class path). */
  public static String commandLine(ProcessHandle h) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline"));
      return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').trim();
    } catch (IOException | RuntimeException e) {
      return h.info().commandLine().orElse("");
    }
  }

  @Override
  public void close() {
    // A node may start another as the cluster shrinks (its autoscaler replacing lost capacity):
    // stop until none is left.
    for (int round = 0; round < 5; round++) {
      List<ProcessHandle> all = processes();
      if (all.isEmpty()) {
        break;
      }
      all.forEach(ProcessHandle::destroy);
      for (ProcessHandle h : all) {
        try {
          h.onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
          h.destroyForcibly();
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
    for (Node n : nodes) {
      n.process().destroyForcibly();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException ignored) {
      // already shutting down: the hook runs
    }
  }

  private void killAll() {
    processes().forEach(ProcessHandle::destroyForcibly);
    for (Node n : nodes) {
      n.process().destroyForcibly();
    }
  }

  public static int freePort() throws IOException {
    return freePorts(1)[0];
  }

  /**
   * {@code n} distinct ports free for both TCP and UDP (a node's media relay and RTP ports are UDP,
   * and another node's Aeron holds ephemeral UDP ports a TCP check alone would hand out): each held
   * open until all are picked, then released.
   */
  public static int[] freePorts(int n) throws IOException {
    List<java.io.Closeable> held = new ArrayList<>();
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        while (true) {
          ServerSocket tcp = new ServerSocket(0);
          held.add(tcp);
          try {
            held.add(new java.net.DatagramSocket(tcp.getLocalPort()));
            ports[i] = tcp.getLocalPort();
            break;
          } catch (java.net.SocketException udpTaken) {
            // held open, so it is not handed out again; try the next
          }
        }
      }
    } finally {
      for (java.io.Closeable c : held) {
        c.close();
      }
    }
    return ports;
  }

}
