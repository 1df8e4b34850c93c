package io.shardcast.testkit.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Many receive-only viewers on one selector thread, for benchmarks where the load client must not
 * be the bottleneck: a plain-NIO WebSocket client that reads server frames straight from the
 * bytes, without a String per message. For each event it checks {@code seq} order (the same check
 * as {@link Viewer}) and, for comments, records the latency from the timestamp in the text.
 * Everything it receives is read; nothing is buffered beyond a frame that spans two reads.
 */
public final class LeanViewers implements AutoCloseable {

  private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TYPE = "\"type\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] STAMP = " t=".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};
  private static final byte[] AT = "\"at\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REVEAL_AT = "\"revealAt\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WS_URL = "\"ws\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DRAIN_REASON = "\"reason\":\"drain\"".getBytes(StandardCharsets.US_ASCII);

  private final Loop[] loops;
  private final long pollNanos;
  private final LatencyRecorder commentLatency;
  private final LatencyRecorder roomToViewer = new LatencyRecorder();
  private final LatencyRecorder saleOpenDelay = new LatencyRecorder();
  private final LongAdder saleOpenEarly = new LongAdder();
  private final java.util.concurrent.atomic.LongAccumulator saleOpenMax =
      new java.util.concurrent.atomic.LongAccumulator(Math::max, Long.MIN_VALUE);
  private final java.util.concurrent.atomic.LongAccumulator saleOpenMin =
      new java.util.concurrent.atomic.LongAccumulator(Math::min, Long.MAX_VALUE);
  private final List<Conn> conns = new ArrayList<>();
  private final LongAdder events = new LongAdder();
  private final LongAdder messages = new LongAdder();
  private final LongAdder outOfOrder = new LongAdder();
  private final AtomicLong open = new AtomicLong();
  private final LongAdder reconnects = new LongAdder();
  private final LongAdder gaps = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder gaveUp = new LongAdder();
  private final LongAdder lost = new LongAdder();
  private final LongAdder resumeSnapshots = new LongAdder();
  private final java.util.concurrent.atomic.LongAccumulator firstHintMillis =
      new java.util.concurrent.atomic.LongAccumulator(Math::min, Long.MAX_VALUE);
  private final java.util.concurrent.atomic.LongAccumulator lastHintMillis =
      new java.util.concurrent.atomic.LongAccumulator(Math::max, Long.MIN_VALUE);
  private static final int MAX_ATTEMPTS = 5;
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

  private static final class Conn {
    final SocketChannel ch;
    final String roomId;
    final String user;
    volatile boolean upgraded;
    byte[] carry = new byte[0];
    int carryLen;
    volatile long lastSeq = -1;
    volatile boolean ended;
    /** Connection attempts for this viewer before this one (retries after a refusal). */
    final int attempt;
    /** Opened to resume (a hint followed, or a retry of one) from {@link #lastSeq}. */
    final boolean resuming;
    /** Set by a reconnect hint: the URL to resume at ("" when the hint named no node). */
    String moveTo;

    Conn(SocketChannel ch, String roomId, String user, long lastSeq, int attempt, boolean resuming) {
      this.ch = ch;
      this.roomId = roomId;
      this.user = user;
      this.lastSeq = lastSeq;
      this.attempt = attempt;
      this.resuming = resuming;
    }
  }

  /**
   * One selector thread and its connections. What it counts for every event (events, messages,
   * latencies) it keeps in plain fields and adds to the shared totals once per select round: two
   * threads counting 300,000 events a second on shared atomics spent more CPU on that than on
   * reading the sockets. Anomalies (gaps, events out of order) are rare and counted at once.
   */
  private final class Loop implements Runnable {
    final Selector selector = Selector.open();
    final Thread thread;
    final List<Conn> pendingRegistrations = new ArrayList<>();
    final ByteBuffer readBuf = ByteBuffer.allocateDirect(256 * 1024);
    final byte[] scratch = new byte[256 * 1024];
    final LatencyRecorder.Local commentLatencyLocal = commentLatency == null ? null : commentLatency.local();
    final LatencyRecorder.Local roomToViewerLocal = roomToViewer.local();
    long eventsLocal;
    long messagesLocal;

    Loop(int i) throws IOException {
      thread = new Thread(this, "lean-viewers-" + i);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      try {
        while (running) {
          if (pollNanos > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(pollNanos);
            selector.selectNow(this::ready);
          } else {
            selector.select(this::ready, 100);
          }
          synchronized (this) {
            for (Conn c : pendingRegistrations) {
              c.ch.register(selector, SelectionKey.OP_READ, c);
            }
            pendingRegistrations.clear();
          }
          flush();
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private void ready(SelectionKey k) {
      Conn c = (Conn) k.attachment();
      boolean ended;
      try {
        ended = !read(c, this);
      } catch (IOException e) {
        ended = true;
      }
      if (ended) {
        k.cancel();
        if (end(c) && running) {
          if (c.moveTo != null) {
            reconnect(c, c.moveTo, 0, 0); // a hint: go at once
          } else if (!c.upgraded) {
            reconnect(c, "", c.attempt + 1, 250L << c.attempt); // refused: back off, ask /join
          } else {
            lost.increment(); // closed without a hint (a node killed): a real client would rejoin
          }
        }
      }
    }

    private void flush() {
      if (commentLatencyLocal != null) {
        commentLatencyLocal.flush();
      }
      roomToViewerLocal.flush();
      if (eventsLocal != 0) {
        events.add(eventsLocal);
        eventsLocal = 0;
      }
      if (messagesLocal != 0) {
        messages.add(messagesLocal);
        messagesLocal = 0;
      }
    }
  }

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
    this.commentLatency = commentLatency;
    this.pollNanos = pollMillis * 1_000_000L;
    this.loops = new Loop[threads];
    for (int i = 0; i < threads; i++) {
      loops[i] = new Loop(i);
      loops[i].thread.start();
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

  /** Closes a connection once (and forgets it); false if it had ended already. */
  private boolean end(Conn c) {
    synchronized (c) {
      if (c.ended) {
        return false;
      }
      c.ended = true;
    }
    synchronized (conns) {
      conns.remove(c);
    }
    try {
      c.ch.close();
    } catch (IOException ignored) {
      // closed anyway
    }
    if (c.upgraded) {
      open.decrementAndGet();
    } else {
      refused.increment();
    }
    return true;
  }

  /** Disconnects up to {@code n} connected viewers (they leave, as viewers do); returns how many. */
  public int leave(int n) {
    List<Conn> leaving = new ArrayList<>();
    synchronized (conns) {
      for (Conn c : conns) {
        if (leaving.size() == n) {
          break;
        }
        if (c.upgraded && !c.ended) {
          leaving.add(c);
        }
      }
    }
    int left = 0;
    for (Conn c : leaving) {
      left += end(c) ? 1 : 0; // end() forgets the connection: not while iterating them
    }
    return left;
  }

  /**
   * Resumes viewer {@code c} elsewhere after {@code delayMillis}: at {@code url} (a hint's), or where
   * the resolver (/join) says when it is empty, from the last seq it received. A connection that
   * fails is tried again, with growing waits, up to {@link #MAX_ATTEMPTS} times, then given up.
   */
  private void reconnect(Conn c, String url, int attempt, long delayMillis) {
    if (attempt > MAX_ATTEMPTS) {
      gaveUp.increment();
      return;
    }
    reconnector.schedule(() -> {
      if (!running) {
        return;
      }
      try {
        String target = url;
        if (target.isEmpty()) {
          String base = resolver.apply(c.roomId);
          if (base == null) {
            gaveUp.increment();
            return;
          }
          target = viewerUrl(base, c.roomId, c.user, c.lastSeq);
        }
        connect(URI.create(target), c.roomId, c.user, c.lastSeq, attempt, c.resuming || c.moveTo != null);
      } catch (IOException | RuntimeException e) {
        reconnect(c, "", attempt + 1, 250L << attempt);
      }
    }, delayMillis, TimeUnit.MILLISECONDS);
  }

  private void connect(URI u, String roomId, String user, long lastSeq, int attempt, boolean resuming)
      throws IOException {
    SocketChannel ch = SocketChannel.open(new InetSocketAddress(u.getHost(), u.getPort()));
    try {
      register(ch, u, new Conn(ch, roomId, user, lastSeq, attempt, resuming));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private void register(SocketChannel ch, URI u, Conn c) throws IOException {
    ch.socket().setReceiveBufferSize(64 * 1024);
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
    Loop loop;
    synchronized (conns) {
      conns.add(c);
      loop = loops[nextLoop++ % loops.length];
    }
    synchronized (loop) {
      loop.pendingRegistrations.add(c);
    }
    loop.selector.wakeup();
  }

  /** Reads what is available; false at end of stream. */
  private boolean read(Conn c, Loop loop) throws IOException {
    ByteBuffer readBuf = loop.readBuf;
    readBuf.clear();
    int n = c.ch.read(readBuf);
    if (n < 0) {
      return false;
    }
    readBuf.flip();
    byte[] b = loop.scratch;
    int len = c.carryLen;
    if (len + n > b.length) {
      throw new IOException("frame larger than " + b.length + " bytes");
    }
    System.arraycopy(c.carry, 0, b, 0, len);
    readBuf.get(b, len, n);
    len += n;
    int pos = 0;
    if (!c.upgraded) {
      int end = indexOf(b, 0, len, HEADERS_END);
      if (end < 0) {
        keep(c, b, 0, len);
        return true;
      }
      if (!startsWith(b, 0, "HTTP/1.1 101")) {
        return false;
      }
      c.upgraded = true;
      open.incrementAndGet();
      if (c.resuming) {
        reconnects.increment();
      }
      pos = end + 4;
    }
    while (len - pos >= 2) {
      int opcode = b[pos] & 0x0f;
      int l7 = b[pos + 1] & 0x7f;
      int header = 2;
      long plen = l7;
      if (l7 == 126) {
        if (len - pos < 4) {
          break;
        }
        plen = ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
        header = 4;
      } else if (l7 == 127) {
        if (len - pos < 10) {
          break;
        }
        plen = 0;
        for (int i = 0; i < 8; i++) {
          plen = (plen << 8) | (b[pos + 2 + i] & 0xff);
        }
        header = 10;
      }
      if (len - pos < header + plen) {
        break;
      }
      int start = pos + header;
      int end = (int) (start + plen);
      if (opcode == 1) {
        onText(c, loop, b, start, end);
      } else if (opcode == 8) {
        return false;
      }
      pos = end;
    }
    keep(c, b, pos, len);
    return true;
  }

  private static void keep(Conn c, byte[] b, int from, int to) {
    int n = to - from;
    if (n > c.carry.length) {
      c.carry = new byte[Math.max(n, 2 * c.carry.length)];
    }
    System.arraycopy(b, from, c.carry, 0, n);
    c.carryLen = n;
  }

  /** One text message: an event object or an array of them. */
  private void onText(Conn c, Loop loop, byte[] b, int start, int end) {
    loop.messagesLocal++;
    boolean array = b[start] == '[';
    int base = array ? 1 : 0;
    int depth = 0;
    int eventStart = -1;
    boolean inString = false;
    for (int i = start; i < end; i++) {
      byte x = b[i];
      if (inString) {
        if (x == '\\') {
          i++;
        } else if (x == '"') {
          inString = false;
        }
      } else if (x == '"') {
        inString = true;
      } else if (x == '{' || x == '[') {
        if (depth++ == base) {
          eventStart = i;
        }
      } else if (x == '}' || x == ']') {
        if (--depth == base && eventStart >= 0) {
          onEvent(c, loop, b, eventStart, i + 1);
          eventStart = -1;
        }
      }
    }
  }

  private void onEvent(Conn c, Loop loop, byte[] b, int start, int end) {
    loop.eventsLocal++;
    int t = indexOf(b, start, end, TYPE);
    boolean snapshot = t >= 0 && startsWith(b, t + TYPE.length, "snapshot");
    boolean comment = t >= 0 && startsWith(b, t + TYPE.length, "comment\"");
    if (t >= 0 && startsWith(b, t + TYPE.length, "reconnect\"")) {
      // Drained or shed: the server closes next; resume where the hint says.
      int w = indexOf(b, start, end, WS_URL);
      int from = w + WS_URL.length;
      int to = w < 0 ? -1 : indexOf(b, from, end, new byte[] {'"'});
      c.moveTo = to < 0 ? "" : new String(b, from, to - from, StandardCharsets.US_ASCII);
      if (indexOf(b, start, end, DRAIN_REASON) >= 0) {
        long now = System.currentTimeMillis();
        firstHintMillis.accumulate(now);
        lastHintMillis.accumulate(now);
      }
      return;
    }
    if (t >= 0 && startsWith(b, t + TYPE.length, "saleOpen\"")) {
      // How far from the announced instant this viewer saw the sale open (never before it).
      long delay = System.currentTimeMillis() - number(b, indexOf(b, start, end, REVEAL_AT), REVEAL_AT.length, end);
      if (delay < 0) {
        saleOpenEarly.increment();
      }
      saleOpenDelay.record(delay);
      saleOpenMax.accumulate(delay);
      saleOpenMin.accumulate(delay);
    }
    // The server writes an event's seq last and a snapshot's near its start: look from that side.
    long seq = number(b, snapshot ? indexOf(b, start, end, SEQ) : lastIndexOf(b, start, end, SEQ), SEQ.length, end);
    if (seq > 0) {
      if (snapshot) {
        if (c.resuming && c.lastSeq >= 0) {
          resumeSnapshots.increment(); // resumed with since, yet given the whole room instead
        }
        c.lastSeq = Math.max(c.lastSeq, seq);
      } else if (seq <= c.lastSeq) {
        outOfOrder.increment(); // rare: counted at once, so a check that follows sees it
      } else {
        if (c.lastSeq >= 0 && seq > c.lastSeq + 1) {
          gaps.increment();
        }
        c.lastSeq = seq;
      }
    }
    if (comment) {
      long now = System.currentTimeMillis();
      int stamp = indexOf(b, start, end, STAMP);
      if (loop.commentLatencyLocal != null) {
        long sent = number(b, stamp, STAMP.length, end);
        if (sent > 0) {
          loop.commentLatencyLocal.record(now - sent);
        }
      }
      long at = number(b, indexOf(b, stamp < 0 ? start : stamp, end, AT), AT.length, end);
      if (at > 0) {
        loop.roomToViewerLocal.record(now - at);
      }
    }
  }

  private static long number(byte[] b, int at, int skip, int end) {
    if (at < 0) {
      return -1;
    }
    long v = 0;
    int i = at + skip;
    if (i >= end || b[i] < '0' || b[i] > '9') {
      return -1;
    }
    for (; i < end && b[i] >= '0' && b[i] <= '9'; i++) {
      v = v * 10 + (b[i] - '0');
    }
    return v;
  }

  private static int indexOf(byte[] b, int from, int to, byte[] pat) {
    outer:
    for (int i = from; i <= to - pat.length; i++) {
      for (int j = 0; j < pat.length; j++) {
        if (b[i + j] != pat[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static int lastIndexOf(byte[] b, int from, int to, byte[] pat) {
    outer:
    for (int i = to - pat.length; i >= from; i--) {
      for (int j = 0; j < pat.length; j++) {
        if (b[i + j] != pat[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static boolean startsWith(byte[] b, int at, String s) {
    if (at + s.length() > b.length) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (b[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Events received by all viewers (a batch counts each event it carries). */
  public long events() {
    return events.sum();
  }

  /** Latency of comments from the room's timestamp (when it accepted them) to these viewers. */
  /** Milliseconds from each sale's {@code revealAt} to its {@code saleOpen} reaching a viewer (0 if early). */
  public LatencyRecorder saleOpenDelay() {
    return saleOpenDelay;
  }

  /** saleOpen events that arrived before their {@code revealAt}: an unfair sale. */
  public long saleOpenEarly() {
    return saleOpenEarly.sum();
  }

  /** Earliest and latest saleOpen arrival relative to revealAt, in ms (signed). */
  public long[] saleOpenRange() {
    return new long[] {saleOpenMin.get(), saleOpenMax.get()};
  }

  public LatencyRecorder roomToViewer() {
    return roomToViewer;
  }

  public long messages() {
    return messages.sum();
  }

  public long outOfOrder() {
    return outOfOrder.sum();
  }

  /**
   * Events that skipped seqs a viewer never got. Chat sampled away under overload leaves such
   * holes by design; with chat below the node's limits, and across reconnects, there must be none.
   */
  public long gaps() {
    return gaps.sum();
  }

  /** Connected viewers that have reached {@code seq}. */
  public int countAtLeast(long seq) {
    int n = 0;
    synchronized (conns) {
      for (Conn c : conns) {
        if (c.upgraded && !c.ended && c.lastSeq >= seq) {
          n++;
        }
      }
    }
    return n;
  }

  /** The lowest seq any connected viewer has reached (-1 with none connected). */
  public long minSeqOfOpen() {
    long min = Long.MAX_VALUE;
    synchronized (conns) {
      for (Conn c : conns) {
        if (c.upgraded && !c.ended) {
          min = Math.min(min, c.lastSeq);
        }
      }
    }
    return min == Long.MAX_VALUE ? -1 : min;
  }

  /** Viewers that resumed on another node after a reconnect hint (upgraded there). */
  public long reconnects() {
    return reconnects.sum();
  }

  /**
   * Milliseconds from the first drain reconnect hint any viewer received to the last (-1 with
   * none): how spread out drains sent their viewers back (other hints, such as a hot node's
   * rebalance, are not counted).
   */
  public long hintSpreadMillis() {
    long first = firstHintMillis.get();
    return first == Long.MAX_VALUE ? -1 : lastHintMillis.get() - first;
  }

  /** Viewers whose connection closed without a hint (a node lost); they were not reconnected. */
  public long lost() {
    return lost.sum();
  }

  /**
   * Resumed viewers sent a snapshot rather than exactly the events after their {@code since}: the
   * resume did not find them (a gap larger than the node's buffer, or a resume that failed).
   */
  public long resumeSnapshots() {
    return resumeSnapshots.sum();
  }

  /** Viewers that could not connect even after retrying via the resolver. */
  public long gaveUp() {
    return gaveUp.sum();
  }

  /** Connections that ended before their upgrade: refused (a node not serving, a bad room) or unreachable. */
  public long refused() {
    return refused.sum();
  }

  /** Viewers whose upgrade succeeded and that are still connected. */
  public long openCount() {
    return open.get();
  }

  @Override
  public void close() throws IOException {
    running = false;
    reconnector.shutdownNow();
    for (Loop l : loops) {
      l.selector.wakeup();
      try {
        l.thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (conns) {
      for (Conn c : conns) {
        c.ch.close();
      }
    }
    for (Loop l : loops) {
      l.selector.close();
    }
  }
}
