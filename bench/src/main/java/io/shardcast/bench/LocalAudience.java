package io.shardcast.bench;

import io.shardcast.testkit.load.LatencyRecorder;
import io.shardcast.testkit.load.LeanViewers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

/**
 * The receive-only viewers {@code v<from>..v<to - 1>} of a fan-out run in this JVM, on a few
 * selector threads ({@link LeanViewers}): the whole audience when the bench runs in one process,
 * a client process's share otherwise.
 */
final class LocalAudience implements FanoutAudience {

  /** How long connecting waits for every viewer to be open before it counts those that are. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(120);
  private static final long CONNECT_POLL_MILLIS = 100;

  private final List<String> nodes;
  private final int from;
  private final int to;
  private final LatencyRecorder commentLatency = new LatencyRecorder();
  private final LeanViewers viewers;
  private long connected;
  private long eventsBefore;
  private long messagesBefore;
  private AudienceReport last;

  /**
   * @param nodes each node's viewer WebSocket base ({@code ws://host:port}), in node order
   * @param threads and {@code pollMillis}: see {@link LeanViewers#LeanViewers(LatencyRecorder, int, int)}
   */
  LocalAudience(List<String> nodes, int from, int to, int threads, int pollMillis) throws IOException {
    this.nodes = List.copyOf(nodes);
    this.from = from;
    this.to = to;
    this.viewers = new LeanViewers(commentLatency, threads, pollMillis);
  }

  @Override
  public synchronized AudienceReport connect(String roomId) throws IOException, InterruptedException {
    for (int j = from; j < to; j++) {
      viewers.connect(nodes.get(j % nodes.size()), roomId, "v" + j);
    }
    long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
    while (viewers.openCount() < to - from && System.nanoTime() < deadline) {
      Thread.sleep(CONNECT_POLL_MILLIS);
    }
    connected = viewers.openCount();
    return report();
  }

  @Override
  public synchronized AudienceReport measure() {
    commentLatency.reset();
    viewers.roomToViewer().reset();
    eventsBefore = viewers.events();
    messagesBefore = viewers.messages();
    return report();
  }

  @Override
  public synchronized AudienceReport report() {
    last = new AudienceReport(to - from, connected, viewers.openCount(), viewers.events() - eventsBefore,
        viewers.messages() - messagesBefore, viewers.outOfOrder(), openFilesLimit(),
        AudienceReport.Latencies.of(commentLatency.counts()),
        AudienceReport.Latencies.of(viewers.roomToViewer().counts()));
    return last;
  }

  @Override
  public synchronized List<AudienceReport> byClient() {
    return last == null ? List.of() : List.of(last);
  }

  @Override
  public void close() throws IOException {
    viewers.close();
  }

  /** How many files this process may open (every viewer is a socket); -1 where the JVM cannot tell. */
  static long openFilesLimit() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount() : -1;
  }
}
