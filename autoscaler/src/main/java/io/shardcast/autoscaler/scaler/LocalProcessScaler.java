package io.shardcast.autoscaler.scaler;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * New nodes as child processes on this machine: {@code shardcast node --role standby} with free
 * ports, the same seed nodes, data directory and journal as the node that starts them, and its
 * output in {@code <log-dir>/node-<remote-port>.log}. The embedded default, used by
 * {@code shardcast demo}.
 *
 * <p>A child outlives the node that started it (it is a cluster member like any other); it stops
 * when drained or retired, or on SIGTERM like every node.
 */
public final class LocalProcessScaler implements Scaler {

  private static final Logger log = LoggerFactory.getLogger(LocalProcessScaler.class);

  /** How long after its start a child that exits counts as having failed to start. */
  private static final long EARLY_EXIT_MILLIS = 60_000;

  private final List<String> command;
  private final String host;
  private final Path logDir;
  private final List<Child> children = new ArrayList<>();

  private record Child(Process process, int remotePort, Path log, long startedAtMillis) {}

  /**
   * @param command the node command with its shared flags ({@code java -cp ... node --seed-nodes
   *     ... --data-dir ...}); ports and the role are appended per child
   * @param host the interface children bind and advertise
   */
  public LocalProcessScaler(List<String> command, String host, Path logDir) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the local scaler needs the node command (shardcast.scaler.local.command)");
    }
    this.command = List.copyOf(command);
    this.host = host;
    this.logDir = logDir;
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public synchronized void start(int count, int existing, List<String> members) throws IOException {
    Files.createDirectories(logDir);
    // Seeds: the oldest members now (the first node may have left since this command was made).
    List<String> seeds = new ArrayList<>();
    for (String m : members) {
      int at = m.lastIndexOf('@');
      if (at >= 0 && seeds.size() < 3) {
        seeds.add(m.substring(at + 1));
      }
    }
    for (int i = 0; i < count; i++) {
      int[] ports = freePorts(9);
      List<String> cmd = new ArrayList<>(command);
      if (!seeds.isEmpty()) {
        cmd.addAll(List.of("--seed-nodes", String.join(",", seeds)));
      }
      cmd.addAll(List.of("--role", "standby", "--http-port", Integer.toString(ports[0]),
          "--remote-port", Integer.toString(ports[1]), "--management-port", Integer.toString(ports[2]),
          "--viewer-port", Integer.toString(ports[3]), "--rtmp-port", Integer.toString(ports[4]),
          "--media-port", Integer.toString(ports[5]), "--relay-port", Integer.toString(ports[6]),
          "--rtp-port", Integer.toString(ports[7]), "--webrtc-port", Integer.toString(ports[8])));
      Path logFile = logDir.resolve("node-" + ports[1] + ".log");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
      children.add(new Child(p, ports[1], logFile, System.currentTimeMillis()));
      log.info("local scaler started node pid {} on {}:{} (log {})", p.pid(), host, ports[1], logFile);
    }
  }

  @Override
  public synchronized List<String> takeFailures() {
    List<String> out = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (Iterator<Child> it = children.iterator(); it.hasNext(); ) {
      Child c = it.next();
      if (c.process().isAlive()) {
        if (now - c.startedAtMillis() > EARLY_EXIT_MILLIS) {
          it.remove(); // past its start: its life is the cluster's business now
        }
        continue;
      }
      it.remove();
      if (now - c.startedAtMillis() <= EARLY_EXIT_MILLIS && c.process().exitValue() != 0) {
        out.add(String.format(Locale.ROOT, "node process %d (remote port %d) exited with %d after %ds; see %s",
            c.process().pid(), c.remotePort(), c.process().exitValue(), (now - c.startedAtMillis()) / 1000, c.log()));
      }
    }
    return out;
  }

  private int[] freePorts(int n) throws IOException {
    ServerSocket[] sockets = new ServerSocket[n];
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(host));
        ports[i] = sockets[i].getLocalPort();
      }
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
    }
    return ports;
  }
}
