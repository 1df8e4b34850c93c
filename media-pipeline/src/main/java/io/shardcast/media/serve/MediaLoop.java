package io.shardcast.media.serve;

import io.shardcast.wire.WebSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread serving many media connections. A published frame wakes it; it then lets
 * every viewer that is not waiting for its socket write what it has not yet sent.
 */
final class MediaLoop implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(MediaLoop.class);
  private static final long SELECT_TIMEOUT_MILLIS = 250;
  private static final long HOUSEKEEPING_NANOS = 250_000_000L;
  /** Bytes one viewer may write in one pass before the others get their turn. */
  static final int WRITE_BUDGET_BYTES = 256 * 1024;
  private static final int SCRATCH_BYTES = 64 * 1024;
  /** Buffers one gathering write takes at most. */
  static final int GATHER = 16;
  final ByteBuffer[] gather = new ByteBuffer[GATHER];
  final long[] gatherIngest = new long[GATHER];
  /** Frames published within this window are written together (one system call per viewer). */
  private final long coalesceNanos;
  private long lastPumpNanos;
  /** A window this close to its end is written now rather than slept out. */
  private static final long DUE_SLACK_NANOS = 500_000L;

  final MediaServer server;
  final int index;
  final Thread thread;
  final Selector selector;
  /** Reads that are thrown away or parsed at once (viewers' input) go here, not into per-viewer buffers. */
  final ByteBuffer scratch = ByteBuffer.allocate(SCRATCH_BYTES);
  /** A WebSocket viewer's control frame, unmasked (they carry at most 125 bytes). */
  final byte[] viewerMessage = new byte[WebSocket.MAX_CONTROL_PAYLOAD];
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ArrayList<MediaConnection> connections = new ArrayList<>();
  private volatile boolean published;
  private volatile boolean sleeping;
  private volatile boolean stopped;
  private long nextHousekeepingNanos;
  /** Ingest-to-viewer-socket delay of every frame this loop wrote. */
  final DeliveryLatency latency = new DeliveryLatency();
  /** Media bytes this loop wrote (read by other threads for metrics; written only here). */
  volatile long bytesOut;

  MediaLoop(MediaServer server, int index) throws IOException {
    this.server = server;
    this.index = index;
    this.selector = Selector.open();
    this.coalesceNanos = server.settings.writeCoalesce().toNanos();
    this.thread = new Thread(this, "shardcast-media-" + index);
    this.thread.setDaemon(true);
  }

  /**
   * A frame was published: viewers may have something to write. Only the first frame of a
   * coalescing window wakes the loop; the loop then sleeps until the window ends, whatever else is
   * published meanwhile, instead of waking once per frame. A frame whose publisher finds
   * {@code published} already set is not missed: the track's head is volatile and was advanced
   * before that read, and the loop clears {@code published} only before a pass that reads the head.
   */
  void wake() {
    if (!published) {
      published = true;
      if (sleeping) {
        selector.wakeup();
      }
    }
  }

  /** Runs {@code task} on this loop's thread. */
  void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  void register(MediaConnection c) {
    try {
      c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
      connections.add(c);
    } catch (IOException e) {
      c.close("cannot register: " + e.getMessage());
    }
  }

  private final java.util.function.Consumer<SelectionKey> onKey = this::onKey;

  private void onKey(SelectionKey key) {
    MediaConnection c = (MediaConnection) key.attachment();
    if (!key.isValid()) {
      return;
    }
    if (key.isReadable()) {
      c.readable();
    }
    if (key.isValid() && key.isWritable()) {
      c.pump();
    }
  }

  void forget(MediaConnection c) {
    connections.remove(c);
  }

  void stop() {
    stopped = true;
    selector.wakeup();
  }

  /** Another pass is needed (a viewer used its write budget). */
  void again() {
    published = true;
  }

  @Override
  public void run() {
    while (!stopped) {
      try {
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        // sleeping is set before published is read: a frame published after the read sees it and
        // wakes the selector, so none waits for the idle timeout.
        sleeping = true;
        long waitNanos = published ? coalesceNanos - (System.nanoTime() - lastPumpNanos) : Long.MAX_VALUE;
        if (!tasks.isEmpty() || waitNanos < DUE_SLACK_NANOS) {
          selector.selectNow(onKey);
        } else {
          // Rounded up: the selector counts whole milliseconds, and waking just short of the
          // window's end would spin on selectNow for the rest of it.
          selector.select(onKey, waitNanos >= SELECT_TIMEOUT_MILLIS * 1_000_000 ? SELECT_TIMEOUT_MILLIS
              : (waitNanos + 999_999) / 1_000_000);
        }
        sleeping = false;
        if (published && System.nanoTime() - lastPumpNanos >= coalesceNanos - DUE_SLACK_NANOS) {
          lastPumpNanos = System.nanoTime();
          published = false;
          for (int i = 0; i < connections.size(); i++) {
            MediaConnection c = connections.get(i);
            if (!c.blocked) {
              c.pump();
            }
          }
        }
        long now = System.nanoTime();
        if (now >= nextHousekeepingNanos) {
          nextHousekeepingNanos = now + HOUSEKEEPING_NANOS;
          long nowMillis = System.currentTimeMillis();
          for (int i = connections.size() - 1; i >= 0; i--) {
            if (i < connections.size()) {
              connections.get(i).housekeeping(nowMillis);
            }
          }
        }
      } catch (RuntimeException | IOException e) {
        log.error("Media loop {}: unexpected failure, carrying on", index, e);
      }
    }
    for (MediaConnection c : new ArrayList<>(connections)) {
      c.close("server stopping");
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // stopping
    }
  }
}
