package io.shardcast.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real RTMP players: one {@code rtmpdump} process per viewer, playing a live stream into /dev/null,
 * as a user's player would take it from a server (its own process, its own socket, librtmp's
 * handshake and chunk parsing). What each received is read from the bytes it wrote ({@code wchar}),
 * so nothing in this JVM reads a player's stream.
 */
final class RtmpdumpPlayers implements AutoCloseable {

  /** How long a player waits on a silent server before it gives up (rtmpdump's {@code -m}). */
  private static final int PLAYER_TIMEOUT_SECONDS = 30;
  private static final File NOWHERE = new File("/dev/null");
  /** How long the player that says why others fail is given: past its timeout, less than a window. */
  private static final int DIAGNOSIS_SECONDS = 15;

  private final String url;
  private final List<Process> players = new ArrayList<>();

  /** Players of the live stream at {@code url} (rtmp://host:port/app/stream); none started yet. */
  RtmpdumpPlayers(String url) {
    this.url = url;
  }

  /** rtmpdump from the PATH, or why there is none. */
  static String command() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path p = Path.of(dir, "rtmpdump");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException("rtmpdump is not installed (apt-get install rtmpdump; ./shardcast installs it "
        + "as root through setup/provision media)");
  }

  /**
   * Starts players until there are {@code count}, {@code perBatch} at once with {@code pauseMillis}
   * between batches: each new player costs a fork, an exec, a handshake and the stream's first
   * keyframes, and a thousand at once would be measured as the server's start-up instead of its
   * steady state. A player that exits (it got nothing for {@link #PLAYER_TIMEOUT_SECONDS}, or was
   * refused) stays counted, as a player that did not keep up.
   */
  void grow(int count, int perBatch, long pauseMillis) throws IOException, InterruptedException {
    String rtmpdump = command();
    while (players.size() < count) {
      int batch = Math.min(perBatch, count - players.size());
      for (int i = 0; i < batch; i++) {
        players.add(start(rtmpdump));
      }
      Thread.sleep(pauseMillis);
    }
  }

  /** Waits until a player receives the stream (the publisher has reached the server); fails after {@code seconds}. */
  void awaitStream(int seconds) throws IOException, InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Process probe = null;
    try {
      while (true) {
        if (probe == null || !probe.isAlive()) {
          probe = start(command());
        }
        Thread.sleep(500);
        if (ProcessUsage.bytesWritten(probe.pid()) > 0) {
          return;
        }
        if (System.nanoTime() > until) {
          throw new IllegalStateException("no stream at " + url + " within " + seconds + " s; a player said: "
              + diagnose());
        }
      }
    } finally {
      if (probe != null) {
        probe.destroy();
        probe.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private Process start(String rtmpdump) throws IOException {
    List<String> cmd = List.of(rtmpdump, "-r", url, "-v", "-q", "-m", Integer.toString(PLAYER_TIMEOUT_SECONDS), "-o",
        NOWHERE.getPath());
    // No pipes: a player's stdio goes nowhere, so this JVM holds no descriptor of it and -q keeps
    // rtmpdump's progress line out of the bytes it writes (wchar counts stderr too).
    return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(NOWHERE))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** What one more player says in its first seconds, its messages on: why players fail. */
  String diagnose() throws IOException, InterruptedException {
    Path said = Files.createTempFile("rtmpdump", ".log");
    try {
      Process p = new ProcessBuilder(command(), "-r", url, "-v", "-m", "10", "-o", NOWHERE.getPath())
          .redirectErrorStream(true).redirectOutput(said.toFile()).start();
      // A player that gets the stream plays on: what it said by then is enough.
      if (!p.waitFor(DIAGNOSIS_SECONDS, TimeUnit.SECONDS)) {
        p.destroy();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      String[] lines = Files.readString(said).replace('\r', '\n').strip().split("\n");
      return String.join(" / ", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 4), lines.length));
    } finally {
      Files.deleteIfExists(said);
    }
  }

  int size() {
    return players.size();
  }

  int alive() {
    int n = 0;
    for (Process p : players) {
      n += p.isAlive() ? 1 : 0;
    }
    return n;
  }

  /** Bytes each player has written so far, in the order they started; -1 for one that has exited. */
  long[] bytesWritten() {
    long[] out = new long[players.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ProcessUsage.bytesWritten(players.get(i).pid());
    }
    return out;
  }

  /** CPU time of every player still running, together, in ns. */
  long cpuNanos() {
    long sum = 0;
    for (Process p : players) {
      sum += Math.max(0, ProcessUsage.cpuNanos(p.pid()));
    }
    return sum;
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : players) {
      p.destroy();
    }
    for (Process p : players) {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    players.clear();
  }
}
