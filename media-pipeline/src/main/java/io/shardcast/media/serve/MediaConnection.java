package io.shardcast.media.serve;

import io.shardcast.media.MediaClock;
import io.shardcast.media.MediaRoom;
import io.shardcast.media.format.MediaFormatException;
import io.shardcast.media.play.LayerSelector;
import io.shardcast.media.play.Playback;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection on a media loop: control bytes it is owed (handshakes, responses) go first, then,
 * once it plays, the frames its {@link Playback} hands out, written straight from shared buffers.
 * Any protocol error closes this connection alone, with a logged reason.
 */
abstract class MediaConnection {

  private static final Logger log = LoggerFactory.getLogger(MediaConnection.class);

  final MediaLoop loop;
  final SocketChannel channel;
  final String remote;
  final long openedMillis = System.currentTimeMillis();
  SelectionKey key;
  boolean blocked;
  boolean closed;
  private final ArrayDeque<ByteBuffer> control = new ArrayDeque<>(4);
  /**
   * Buffers taken for writing that the socket has not fully taken yet (null until first needed).
   * A frame's buffer is its loop's shared view, which the next viewer on the loop rewinds, so the
   * position this viewer reached is kept apart and restored before each write.
   */
  private ByteBuffer[] queued;
  private int[] queuedPosition;
  /** Ingest instant of each queued frame, -1 for control bytes (for the delivery latency figure). */
  private long[] queuedIngest;
  private int queuedCount;
  private boolean closeWhenFlushed;
  private String closeReason;
  Playback playback;
  private MediaRoom countedIn;
  private long playStartMillis;

  MediaConnection(MediaLoop loop, SocketChannel channel) {
    this.loop = loop;
    this.channel = channel;
    String r;
    try {
      r = String.valueOf(channel.getRemoteAddress());
    } catch (IOException e) {
      r = "?";
    }
    this.remote = r;
  }

  /** Reads what arrived and acts on it. */
  abstract void onReadable() throws IOException;

  /** What this connection is, for log lines ("RTMP publisher of room r1"). */
  abstract String describe();

  final void readable() {
    try {
      onReadable();
    } catch (MediaFormatException e) {
      close("malformed input: " + e.getMessage());
    } catch (IOException e) {
      close("read failed: " + e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Media: {} from {} failed", describe(), remote, e);
      close("internal error: " + e);
    }
  }

  /** Queues control bytes (written before any further media) and tries to write. */
  final void send(ByteBuffer bytes) {
    control.add(bytes);
    pump();
  }

  final void send(byte[] bytes) {
    send(ByteBuffer.wrap(bytes));
  }

  /** Writes what is owed and then close, with {@code reason} in the log. */
  final void closeAfterFlush(String reason) {
    closeWhenFlushed = true;
    closeReason = reason;
    pump();
  }

  /** Starts media: from now on the playback's frames follow the control bytes. */
  final void play(MediaRoom room, String camera, String layer, int encoding) {
    MediaSettings s = loop.server.settings;
    LayerSelector layers = new LayerSelector(s.layerDownBacklog().toMillis(), s.layerCalmBacklog().toMillis(),
        s.layerMinHold().toMillis(), s.layerMaxHold().toMillis());
    playback = new Playback(room, camera, layer, encoding, loop.index, loop.server.loops.length,
        s.maxLag().toMillis(), layers);
    room.viewerJoined();
    countedIn = room;
    loop.server.viewers.incrementAndGet();
    playStartMillis = System.currentTimeMillis();
    pump();
  }

  /**
   * Writes what is owed: up to {@link MediaLoop#GATHER} buffers (control bytes first, then frames)
   * in one gathering write, so frames that arrived together cost one system call. What the socket
   * did not take stays queued, in order, for when it is writable again.
   */
  final void pump() {
    if (closed) {
      return;
    }
    try {
      int written = 0;
      ByteBuffer[] gather = loop.gather;
      long[] ingest = loop.gatherIngest;
      while (true) {
        int count = 0;
        for (int i = 0; i < queuedCount; i++) {
          gather[count] = queued[i].position(queuedPosition[i]);
          ingest[count++] = queuedIngest[i];
          queued[i] = null;
        }
        queuedCount = 0;
        while (count < MediaLoop.GATHER) {
          ByteBuffer next = control.poll();
          long at = -1;
          if (next == null && playback != null && !closeWhenFlushed) {
            next = playback.next(System.currentTimeMillis());
            at = next == null ? -1 : playback.lastFrameIngestMicros();
          }
          if (next == null) {
            break;
          }
          gather[count] = next;
          ingest[count++] = at;
        }
        if (count == 0) {
          setBlocked(false);
          if (closeWhenFlushed) {
            close(closeReason);
          }
          return;
        }
        long n = channel.write(gather, 0, count);
        written += n;
        loop.bytesOut += n;
        long now = -1;
        for (int i = 0; i < count; i++) {
          if (gather[i].hasRemaining()) {
            if (queued == null) {
              queued = new ByteBuffer[MediaLoop.GATHER];
              queuedPosition = new int[MediaLoop.GATHER];
              queuedIngest = new long[MediaLoop.GATHER];
            }
            queued[queuedCount] = gather[i];
            queuedPosition[queuedCount] = gather[i].position();
            queuedIngest[queuedCount++] = ingest[i];
          } else if (ingest[i] >= 0) {
            if (now < 0) {
              now = MediaClock.nowMicros();
            }
            loop.latency.record(now - ingest[i]);
          }
          gather[i] = null;
        }
        if (queuedCount > 0) {
          setBlocked(true);
          return;
        }
        if (written >= MediaLoop.WRITE_BUDGET_BYTES) {
          loop.again();
          return;
        }
      }
    } catch (IOException e) {
      close("write failed: " + e.getMessage());
    }
  }

  private void setBlocked(boolean b) {
    if (b != blocked && key != null && key.isValid()) {
      blocked = b;
      key.interestOps(b ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }
  }

  /** Every 250 ms: timeouts, layer choice, end of stream. */
  void housekeeping(long nowMillis) {
    MediaSettings s = loop.server.settings;
    if (playback == null) {
      if (!closeWhenFlushed && setupTimedOut(nowMillis)) {
        close("nothing published or played within " + s.setupTimeout().toSeconds() + " s");
      }
      return;
    }
    playback.observe(nowMillis);
    if (playback.track() == null && nowMillis - playStartMillis > s.firstFrameTimeout().toMillis()) {
      close("no keyframe within " + s.firstFrameTimeout().toSeconds() + " s");
    } else if (playback.over(nowMillis, s.endGrace().toMillis())) {
      close("the stream ended");
    }
  }

  boolean setupTimedOut(long nowMillis) {
    return nowMillis - openedMillis > loop.server.settings.setupTimeout().toMillis();
  }

  void close(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    if (playback != null) {
      playback.leave();
    }
    if (countedIn != null) {
      countedIn.viewerLeft();
      loop.server.viewers.decrementAndGet();
      countedIn = null;
    }
    onClose();
    loop.forget(this);
    try {
      channel.close();
    } catch (IOException ignored) {
      // closed anyway
    }
    log.info("Media: {} from {} closed: {}", describe(), remote, reason);
  }

  /** A larger input buffer holding what {@code buffer} (being filled) holds so far. */
  static ByteBuffer grow(ByteBuffer buffer, int capacity) {
    ByteBuffer bigger = ByteBuffer.allocate(capacity);
    buffer.flip();
    bigger.put(buffer);
    return bigger;
  }

  /** Releases what the connection holds (a publisher's track). */
  void onClose() {}
}
