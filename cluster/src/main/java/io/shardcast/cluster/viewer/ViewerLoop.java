package io.shardcast.cluster.viewer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread serving many viewer connections: it reads their messages and writes the
 * frames their sessions queue. Buffers are per thread, not per viewer, so an idle viewer costs
 * only its connection object and session.
 */
final class ViewerLoop implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(ViewerLoop.class);
  /** Longest the selector sleeps, so handshake deadlines are checked at least this often. */
  private static final long SELECT_TIMEOUT_MILLIS = 500;
  private static final int WRITE_BUFFER_BYTES = 64 * 1024;

  final ViewerServer server;
  final Selector selector;
  final Thread thread;
  /** Incoming bytes; large enough for the biggest message a viewer may send plus its header. */
  final ByteBuffer readBuffer;
  /** Unmasked payload of the message being read. */
  final byte[] payload;
  /** Outgoing bytes staged for one write call. */
  final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);

  /** Connections with frames to write, each at most once (guarded by itself). */
  private final ArrayDeque<ViewerConnection> ready = new ArrayDeque<>();
  private final ArrayDeque<ViewerConnection> draining = new ArrayDeque<>();
  /** Work handed to this thread by others: new connections, finished room look-ups (guarded by itself). */
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final ArrayDeque<Runnable> running = new ArrayDeque<>();
  /** Connections with a deadline: upgrades in progress and closes waiting for the peer. */
  private final ArrayList<ViewerConnection> timed = new ArrayList<>();
  private final Consumer<SelectionKey> onKey = this::onKey;
  private static final long DEADLINE_CHECK_NANOS = 100_000_000;
  /** Connections written between two looks at the sockets in a long round (0: none); see {@link #writeReady}. */
  private final int writesBetweenReads;
  /** A look at the sockets in the last round of writes may have consumed a wake-up (see {@link #run}). */
  private boolean lookedDuringRound;
  private long nextDeadlineCheckNanos;
  private volatile boolean stopped;

  ViewerLoop(ViewerServer server, int index) throws IOException {
    this.server = server;
    this.selector = Selector.open();
    int maxMessage = server.settings().maxFrameBytes();
    this.readBuffer = ByteBuffer.allocateDirect(Math.max(64 * 1024, 2 * (maxMessage + 14)));
    this.payload = new byte[maxMessage];
    this.writesBetweenReads = server.settings().viewerWritesBetweenReads();
    this.thread = new Thread(this, "shardcast-viewers-" + index);
    this.thread.setDaemon(true);
  }

  /** Hands a freshly accepted socket to this loop. */
  void adopt(SocketChannel channel) {
    execute(() -> {
      try {
        channel.configureBlocking(false);
        ViewerConnection c = new ViewerConnection(this, channel);
        c.key = channel.register(selector, SelectionKey.OP_READ, c);
        track(c);
      } catch (IOException e) {
        log.debug("could not register a viewer socket: {}", e.toString());
        closeQuietly(channel);
      }
    });
  }

  /** Runs {@code task} on this loop's thread. */
  void execute(Runnable task) {
    boolean wasEmpty;
    synchronized (tasks) {
      wasEmpty = tasks.isEmpty();
      tasks.add(task);
    }
    if (wasEmpty) {
      selector.wakeup();
    }
  }

  /** Asks this loop to write {@code c}'s queued frames; called by whoever queued them. */
  void wake(ViewerConnection c) {
    boolean wasEmpty;
    synchronized (ready) {
      if (c.inReadyQueue) {
        return;
      }
      c.inReadyQueue = true;
      wasEmpty = ready.isEmpty();
      ready.add(c);
    }
    if (wasEmpty && Thread.currentThread() != thread) {
      selector.wakeup();
    }
  }

  /** Watches {@code c}'s deadline ({@link ViewerConnection#deadlineNanos}). */
  void track(ViewerConnection c) {
    if (!c.tracked) {
      c.tracked = true;
      timed.add(c);
    }
  }

  void untrack(ViewerConnection c) {
    if (c.tracked) {
      c.tracked = false;
      timed.remove(c);
    }
  }

  /**
   * Asks up to {@code budget} of this loop's viewers to reconnect to the node {@code target} names
   * for their room (it may return null: the viewer asks {@code /join}).
   */
  void hintReconnect(AtomicInteger budget, Function<String, String> target, String reason) {
    execute(() -> {
      for (SelectionKey k : selector.keys()) {
        // Only viewers that can move take a target (each one asked of the join desk counts as a join).
        if (k.attachment() instanceof ViewerConnection c && c.canHint()) {
          if (budget.getAndDecrement() <= 0) {
            return;
          }
          c.hintReconnect(target.apply(c.roomId()), reason);
        }
      }
    });
  }

  void stop() {
    stopped = true;
    selector.wakeup();
  }

  @Override
  public void run() {
    while (!stopped) {
      try {
        // A look at the sockets during the last round of writes may have consumed a wake-up meant
        // for work queued since: do not sleep on it.
        boolean wakeUpMayBeLost = lookedDuringRound;
        lookedDuringRound = false;
        if (wakeUpMayBeLost && hasQueuedWork()) {
          selector.selectNow(onKey);
        } else {
          selector.select(onKey, SELECT_TIMEOUT_MILLIS);
        }
        runTasks();
        writeReady();
        expireDeadlines();
      } catch (Throwable t) {
        // One connection's failure must not stop the loop serving the others.
        log.error("viewer loop {} error", thread.getName(), t);
      }
    }
    for (SelectionKey k : selector.keys()) {
      if (k.attachment() instanceof ViewerConnection c) {
        c.shutdown();
      }
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private void onKey(SelectionKey key) {
    ViewerConnection c = (ViewerConnection) key.attachment();
    try {
      if (key.isValid() && key.isReadable()) {
        c.onReadable();
      }
      if (key.isValid() && key.isWritable()) {
        c.onWritable();
      }
    } catch (IOException e) {
      c.fail(e);
    } catch (RuntimeException e) {
      log.warn("viewer connection {} failed", c, e);
      c.fail(e);
    }
  }

  private void runTasks() {
    synchronized (tasks) {
      if (tasks.isEmpty()) {
        return;
      }
      running.addAll(tasks);
      tasks.clear();
    }
    for (Runnable r; (r = running.poll()) != null; ) {
      r.run();
    }
  }

  private void writeReady() {
    synchronized (ready) {
      if (ready.isEmpty()) {
        return;
      }
      // Move them out, so producers are not held while this thread writes.
      for (ViewerConnection c; (c = ready.poll()) != null; ) {
        c.inReadyQueue = false;
        draining.add(c);
      }
    }
    int sinceRead = 0;
    for (ViewerConnection c; (c = draining.poll()) != null; ) {
      try {
        c.writeQueued();
      } catch (IOException e) {
        c.fail(e);
      }
      // A broadcast reaches every viewer of the loop at once, and writing it to thousands of
      // sockets takes tens of milliseconds on a busy machine. What viewers send meanwhile
      // (comments, orders) is read every few dozen writes rather than after the whole round.
      if (++sinceRead == writesBetweenReads && !draining.isEmpty()) {
        sinceRead = 0;
        lookAtSockets();
      }
    }
  }

  private void lookAtSockets() {
    lookedDuringRound = true;
    try {
      selector.selectNow(onKey);
    } catch (IOException e) {
      log.warn("viewer loop {}: select failed between writes: {}", thread.getName(), e.toString());
    }
  }

  private boolean hasQueuedWork() {
    synchronized (ready) {
      if (!ready.isEmpty()) {
        return true;
      }
    }
    synchronized (tasks) {
      return !tasks.isEmpty();
    }
  }

  private void expireDeadlines() {
    long now = System.nanoTime();
    // Keep-alive order connections stay in the list between requests: look at most every 100 ms,
    // not on every wake-up of a busy loop.
    if (timed.isEmpty() || now - nextDeadlineCheckNanos < 0) {
      return;
    }
    nextDeadlineCheckNanos = now + DEADLINE_CHECK_NANOS;
    for (int i = timed.size() - 1; i >= 0; i--) {
      ViewerConnection c = timed.get(i);
      if (now - c.deadlineNanos > 0) {
        timed.remove(i);
        c.tracked = false;
        c.onDeadline();
      }
    }
  }

  static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // already gone
    }
  }
}
