package io.shardcast.testkit.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Many receive-only viewers on a few selector threads, for benchmarks where the load client must
 * not be the bottleneck: a plain-NIO WebSocket client that reads server frames straight from the
 * bytes, without a String per message ({@link ViewerLoop}, {@link FrameScanner}). For each event it
 * checks {@code seq} order (the same check as {@link Viewer}) and, for comments, records the
 * latency from the timestamp in the text ({@link LeanViewer}). Viewers told to move follow the
 * hint; refused ones retry with growing waits.
 */
public final class LeanViewers implements AutoCloseable {

  private static final int MAX_ATTEMPTS = 5;
  private static final int RECEIVE_BUFFER_BYTES = 64 * 1024;

  private final ViewerLoop[] loops;
  private final AudienceStats stats;
  private final List<LeanViewer> viewers = new ArrayList<>();
  /**
   * Reconnections (hints followed, refusals retried) run here, never on a selector thread: asking
   * /join and opening a socket block.
   */
  private final ScheduledExecutorService reconnector = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "lean-viewers-reconnect");
    t.setDaemon(true);
    return t;
  });
  /** Where a viewer told to reconnect without a node goes: room id to a viewer base (ws://host:port). */
  private volatile Function<String, String> resolver = room -> null;
  private volatile boolean running = true;
  private int nextLoop;

  /**
   * @param threads selector threads; with the nodes on the same cores, more than one keeps the
   *     client from being starved by the scheduler
   */
  public LeanViewers(LatencyRecorder commentLatency, int threads) throws IOException {
    this(commentLatency, threads, 0);
  }

  /**
   * @param pollMillis when above 0, each thread looks at its sockets every this many milliseconds
   *     instead of sleeping until one is readable: 10,000 simulated viewers share two threads, and
   *     when the messages arrive spread out rather than in bursts, waking a thread for nearly each
   *     one costs this machine more than the reads themselves (real viewers wake on their own
   *     devices). Adds up to this much to every latency measured.
   */
  public LeanViewers(LatencyRecorder commentLatency, int threads, int pollMillis) throws IOException {
    this.stats = new AudienceStats(commentLatency);
    this.loops = new ViewerLoop[threads];
    for (int i = 0; i < threads; i++) {
      loops[i] = new ViewerLoop(i, stats, pollMillis * 1_000_000L, this::ended);
      loops[i].start();
    }
  }

  /**
   * Opens a viewer WebSocket to {@code wsBase}/ws/rooms/{room}?user={user}, blocking until the
   * upgrade request is written; the reply is read by the selector thread.
   */
  public void connect(String wsBase, String roomId, String user) throws IOException {
    connect(URI.create(viewerUrl(wsBase, roomId, user, -1)), roomId, user, -1, 0, false);
  }

  /** A viewer's WebSocket URL on the node {@code wsBase} ({@code ws://host:port}), resuming after {@code since} when >= 0. */
  public static String viewerUrl(String wsBase, String roomId, String user, long since) {
    return wsBase + "/ws/rooms/" + roomId + "?user=" + user + (since >= 0 ? "&since=" + since : "");
  }

  /** Viewers told to reconnect by a hint that names no node ask this for one (e.g. via /join). */
  public void resolveWith(Function<String, String> roomToViewerBase) {
    this.resolver = roomToViewerBase;
  }

  /** A selector thread saw {@code v}'s connection end: follow its hint, retry a refusal, or count it lost. */
  private void ended(LeanViewer v) {
    if (end(v) && running) {
      if (v.moveTo != null) {
        reconnect(v, v.moveTo, 0, 0); // a hint: go at once
      } else if (!v.upgraded) {
        reconnect(v, "", v.attempt + 1, 250L << v.attempt); // refused: back off, ask /join
      } else {
        stats.lost.increment(); // closed without a hint (a node killed): a real client would rejoin
      }
    }
  }

  /** Closes a connection once (and forgets it); false if it had ended already. */
  private boolean end(LeanViewer v) {
    synchronized (v) {
      if (v.ended) {
        return false;
      }
      v.ended = true;
    }
    synchronized (viewers) {
      viewers.remove(v);
    }
    try {
      v.ch.close();
    } catch (IOException ignored) {
      // closed anyway
    }
    if (v.upgraded) {
      stats.open.decrementAndGet();
    } else {
      stats.refused.increment();
    }
    return true;
  }

  /** Disconnects up to {@code n} connected viewers (they leave, as viewers do); returns how many. */
  public int leave(int n) {
    List<LeanViewer> leaving = new ArrayList<>();
    synchronized (viewers) {
      for (LeanViewer v : viewers) {
        if (leaving.size() == n) {
          break;
        }
        if (v.upgraded && !v.ended) {
          leaving.add(v);
        }
      }
    }
    int left = 0;
    for (LeanViewer v : leaving) {
      left += end(v) ? 1 : 0; // end() forgets the connection: not while iterating them
    }
    return left;
  }

  /**
   * Resumes viewer {@code v} elsewhere after {@code delayMillis}: at {@code url} (a hint's), or where
   * the resolver (/join) says when it is empty, from the last seq it received. A connection that
   * fails is tried again, with growing waits, up to {@link #MAX_ATTEMPTS} times, then given up.
   */
  private void reconnect(LeanViewer v, String url, int attempt, long delayMillis) {
    if (attempt > MAX_ATTEMPTS) {
      stats.gaveUp.increment();
      return;
    }
    reconnector.schedule(() -> {
      if (!running) {
        return;
      }
      try {
        String target = url;
        if (target.isEmpty()) {
          String base = resolver.apply(v.roomId);
          if (base == null) {
            stats.gaveUp.increment();
            return;
          }
          target = viewerUrl(base, v.roomId, v.user, v.lastSeq);
        }
        connect(URI.create(target), v.roomId, v.user, v.lastSeq, attempt, v.resuming || v.moveTo != null);
      } catch (IOException | RuntimeException e) {
        reconnect(v, "", attempt + 1, 250L << attempt);
      }
    }, delayMillis, TimeUnit.MILLISECONDS);
  }

  private void connect(URI u, String roomId, String user, long lastSeq, int attempt, boolean resuming)
      throws IOException {
    SocketChannel ch = SocketChannel.open(new InetSocketAddress(u.getHost(), u.getPort()));
    try {
      upgrade(ch, u);
      ViewerLoop loop;
      LeanViewer v;
      synchronized (viewers) {
        loop = loops[nextLoop++ % loops.length];
        v = new LeanViewer(ch, roomId, user, lastSeq, attempt, resuming, stats, loop.counts);
        viewers.add(v);
      }
      loop.register(v);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Writes the WebSocket upgrade request, blocking; the channel is non-blocking afterwards. */
  private static void upgrade(SocketChannel ch, URI u) throws IOException {
    ch.socket().setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String req = "GET " + u.getRawPath() + "?" + u.getRawQuery() + " HTTP/1.1\r\n"
        + "Host: " + u.getHost() + ":" + u.getPort() + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    ByteBuffer out = ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII));
    while (out.hasRemaining()) {
      ch.write(out);
    }
    ch.configureBlocking(false);
  }

  /** Events received by all viewers (a batch counts each event it carries). */
  public long events() {
    return stats.events.sum();
  }

  /** Milliseconds from each sale's {@code revealAt} to its {@code saleOpen} reaching a viewer (0 if early). */
  public LatencyRecorder saleOpenDelay() {
    return stats.saleOpenDelay;
  }

  /** saleOpen events that arrived before their {@code revealAt}: an unfair sale. */
  public long saleOpenEarly() {
    return stats.saleOpenEarly.sum();
  }

  /** Earliest and latest saleOpen arrival relative to revealAt, in ms (signed). */
  public long[] saleOpenRange() {
    return new long[] {stats.saleOpenMin.get(), stats.saleOpenMax.get()};
  }

  /** Latency of comments from the room's timestamp (when it accepted them) to these viewers. */
  public LatencyRecorder roomToViewer() {
    return stats.roomToViewer;
  }

  public long messages() {
    return stats.messages.sum();
  }

  public long outOfOrder() {
    return stats.outOfOrder.sum();
  }

  /**
   * Events that skipped seqs a viewer never got. Chat sampled away under overload leaves such
   * holes by design; with chat below the node's limits, and across reconnects, there must be none.
   */
  public long gaps() {
    return stats.gaps.sum();
  }

  /** Connected viewers that have reached {@code seq}. */
  public int countAtLeast(long seq) {
    int n = 0;
    synchronized (viewers) {
      for (LeanViewer v : viewers) {
        if (v.upgraded && !v.ended && v.lastSeq >= seq) {
          n++;
        }
      }
    }
    return n;
  }

  /** The lowest seq any connected viewer has reached (-1 with none connected). */
  public long minSeqOfOpen() {
    long min = Long.MAX_VALUE;
    synchronized (viewers) {
      for (LeanViewer v : viewers) {
        if (v.upgraded && !v.ended) {
          min = Math.min(min, v.lastSeq);
        }
      }
    }
    return min == Long.MAX_VALUE ? -1 : min;
  }

  /** Viewers that resumed on another node after a reconnect hint (upgraded there). */
  public long reconnects() {
    return stats.reconnects.sum();
  }

  /**
   * Milliseconds from the first drain reconnect hint any viewer received to the last (-1 with
   * none): how spread out drains sent their viewers back (other hints, such as a hot node's
   * rebalance, are not counted).
   */
  public long hintSpreadMillis() {
    long first = stats.firstHintMillis.get();
    return first == Long.MAX_VALUE ? -1 : stats.lastHintMillis.get() - first;
  }

  /** Viewers whose connection closed without a hint (a node lost); they were not reconnected. */
  public long lost() {
    return stats.lost.sum();
  }

  /**
   * Resumed viewers sent a snapshot rather than exactly the events after their {@code since}: the
   * resume did not find them (a gap larger than the node's buffer, or a resume that failed).
   */
  public long resumeSnapshots() {
    return stats.resumeSnapshots.sum();
  }

  /** Viewers that could not connect even after retrying via the resolver. */
  public long gaveUp() {
    return stats.gaveUp.sum();
  }

  /** Connections that ended before their upgrade: refused (a node not serving, a bad room) or unreachable. */
  public long refused() {
    return stats.refused.sum();
  }

  /** Viewers whose upgrade succeeded and that are still connected. */
  public long openCount() {
    return stats.open.get();
  }

  @Override
  public void close() throws IOException {
    running = false;
    reconnector.shutdownNow();
    for (ViewerLoop l : loops) {
      l.stop();
    }
    synchronized (viewers) {
      for (LeanViewer v : viewers) {
        v.ch.close();
      }
    }
    for (ViewerLoop l : loops) {
      l.close();
    }
  }
}
