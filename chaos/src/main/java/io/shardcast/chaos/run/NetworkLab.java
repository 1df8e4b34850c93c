package io.shardcast.chaos.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * Real network partitions: each node in a network namespace of its own, joined to a bridge in
 * this namespace by a veth pair; a partition is a set of nftables drop rules inside the
 * namespaces, so packets between the two sides vanish as on a cut link (connections hang, no
 * reset). This namespace (the clients, PostgreSQL) stays reachable from every side. Needs root,
 * iproute2 and nftables; {@link #close} removes everything it made.
 */
public final class NetworkLab implements AutoCloseable {

  private static final String TABLE = "shardcast_chaos";

  private final String tag;
  private final int nodes;
  private final int subnet;
  private final List<String> made = new ArrayList<>();
  private boolean bridge;

  /**
   * Why namespaces cannot be used here, or null when they can: root, {@code ip} and {@code nft}
   * are needed.
   */
  public static String unavailableReason() {
    if (!"root".equals(System.getProperty("user.name")) && !isRoot()) {
      return "network partitions need root (network namespaces and nftables); run as root or choose scenarios"
          + " without partitions";
    }
    for (String tool : List.of("ip", "nft")) {
      if (which(tool) == null) {
        return "network partitions need the '" + tool + "' command (Debian: apt-get install "
            + (tool.equals("ip") ? "iproute2" : "nftables") + ")";
      }
    }
    return null;
  }

  private static boolean isRoot() {
    try {
      return Files.readString(Path.of("/proc/self/status")).lines()
          .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
    } catch (IOException e) {
      return false;
    }
  }

  private static Path which(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").concat(":/usr/sbin:/sbin").split(":")) {
      Path p = Path.of(dir, tool);
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Makes a bridge and {@code nodes} namespaces named after {@code tag} (a few letters). */
  public NetworkLab(String tag, int nodes) throws IOException {
    this.tag = tag;
    this.nodes = nodes;
    this.subnet = 64 + Math.floorMod(tag.hashCode(), 128);
    try {
      run("ip", "link", "add", bridgeName(), "type", "bridge");
      bridge = true;
      run("ip", "addr", "add", hostIp() + "/24", "dev", bridgeName());
      run("ip", "link", "set", bridgeName(), "up");
      for (int i = 0; i < nodes; i++) {
        String ns = namespace(i);
        run("ip", "netns", "add", ns);
        made.add(ns);
        run("ip", "link", "add", "scv" + tag + i, "type", "veth", "peer", "name", "eth0", "netns", ns);
        run("ip", "link", "set", "scv" + tag + i, "master", bridgeName(), "up");
        run("ip", "netns", "exec", ns, "ip", "addr", "add", nodeIp(i) + "/24", "dev", "eth0");
        run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
        run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        run("ip", "netns", "exec", ns, "ip", "route", "add", "default", "via", hostIp());
        run("ip", "netns", "exec", ns, "nft", "add table inet " + TABLE + "; add chain inet " + TABLE
            + " in { type filter hook input priority 0; }; add chain inet " + TABLE
            + " out { type filter hook output priority 0; }");
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  public String namespace(int i) {
    return "sc-" + tag + "-" + i;
  }

  private String bridgeName() {
    return "scb-" + tag;
  }

  /** This namespace's address on the bridge: where nodes reach PostgreSQL and the clients. */
  public String hostIp() {
    return "10.213." + subnet + ".1";
  }

  public String nodeIp(int i) {
    return "10.213." + subnet + "." + (11 + i);
  }

  /** The prefix that runs a command inside node {@code i}'s namespace. */
  public List<String> prefix(int i) {
    return List.of("ip", "netns", "exec", namespace(i));
  }

  /** Cuts every node of {@code a} off from every node of {@code b}, both ways. */
  public synchronized void cut(Collection<Integer> a, Collection<Integer> b) throws IOException {
    block(a, b);
    block(b, a);
  }

  private void block(Collection<Integer> from, Collection<Integer> to) throws IOException {
    StringJoiner ips = new StringJoiner(", ", "{ ", " }");
    to.forEach(i -> ips.add(nodeIp(i)));
    for (int i : from) {
      run("ip", "netns", "exec", namespace(i), "nft", "add rule inet " + TABLE + " in ip saddr " + ips + " drop; "
          + "add rule inet " + TABLE + " out ip daddr " + ips + " drop");
    }
  }

  /** Removes every partition: all nodes reach each other again. */
  public synchronized void heal() throws IOException {
    for (int i = 0; i < nodes; i++) {
      run("ip", "netns", "exec", namespace(i), "nft", "flush chain inet " + TABLE + " in; flush chain inet " + TABLE
          + " out");
    }
  }

  @Override
  public synchronized void close() {
    for (int i = 0; i < made.size(); i++) {
      try {
        // The pair goes with either end; removed here rather than left to the kernel's deferred
        // clean-up of the namespace, which may lag (or wait for a process still exiting inside).
        run("ip", "link", "del", "scv" + tag + i);
      } catch (IOException | RuntimeException e) {
        // already gone
      }
    }
    for (String ns : made) {
      try {
        run("ip", "netns", "del", ns);
      } catch (IOException | RuntimeException e) {
        System.err.println("could not remove network namespace " + ns + ": " + e.getMessage());
      }
    }
    made.clear();
    if (bridge) {
      try {
        run("ip", "link", "del", bridgeName());
      } catch (IOException | RuntimeException e) {
        System.err.println("could not remove bridge " + bridgeName() + ": " + e.getMessage());
      }
      bridge = false;
    }
  }

  private static void run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": no answer in 20 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", cmd) + ": interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: "
          + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }
  }
}
