package io.shardcast.testkit.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One selector thread of {@link LeanViewers} and the viewers it reads: the upgrade reply, then
 * WebSocket frames straight from the bytes, their text messages handed to the viewer event by
 * event. Everything received is read; nothing is buffered beyond a frame that spans two reads.
 */
final class ViewerLoop implements Runnable {

  /** The most one read takes, and so the largest frame a viewer can receive. */
  private static final int READ_BUFFER_BYTES = 256 * 1024;
  private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};
  private static final int OPCODE_TEXT = 1;
  private static final int OPCODE_CLOSE = 8;

  private final Selector selector = Selector.open();
  private final Thread thread;
  private final List<LeanViewer> pendingRegistrations = new ArrayList<>();
  private final ByteBuffer readBuf = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
  private final byte[] scratch = new byte[READ_BUFFER_BYTES];
  private final AudienceStats stats;
  /** What this thread counted in the current select round. */
  final AudienceStats.Local counts;
  private final long pollNanos;
  /** Told of each viewer whose connection ended (closed, refused, unreadable). */
  private final Consumer<LeanViewer> ended;
  private volatile boolean running = true;

  /** See {@link LeanViewers#LeanViewers(LatencyRecorder, int, int)} for {@code pollNanos}. */
  ViewerLoop(int i, AudienceStats stats, long pollNanos, Consumer<LeanViewer> ended) throws IOException {
    this.stats = stats;
    this.counts = stats.local();
    this.pollNanos = pollNanos;
    this.ended = ended;
    thread = new Thread(this, "lean-viewers-" + i);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Reads {@code v} from the next select round on. */
  void register(LeanViewer v) {
    synchronized (this) {
      pendingRegistrations.add(v);
    }
    selector.wakeup();
  }

  /** Stops the thread (waiting up to 2 s for it); {@link #close} then releases the selector. */
  void stop() {
    running = false;
    selector.wakeup();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void close() throws IOException {
    selector.close();
  }

  @Override
  public void run() {
    try {
      while (running) {
        if (pollNanos > 0) {
          LockSupport.parkNanos(pollNanos);
          selector.selectNow(this::ready);
        } else {
          selector.select(this::ready, 100);
        }
        synchronized (this) {
          for (LeanViewer v : pendingRegistrations) {
            v.ch.register(selector, SelectionKey.OP_READ, v);
          }
          pendingRegistrations.clear();
        }
        counts.flush();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void ready(SelectionKey k) {
    LeanViewer v = (LeanViewer) k.attachment();
    boolean over;
    try {
      over = !read(v);
    } catch (IOException e) {
      over = true;
    }
    if (over) {
      k.cancel();
      ended.accept(v);
    }
  }

  /** Reads what is available; false at end of stream, a refused upgrade or a close frame. */
  private boolean read(LeanViewer v) throws IOException {
    readBuf.clear();
    int n = v.ch.read(readBuf);
    if (n < 0) {
      return false;
    }
    readBuf.flip();
    byte[] b = scratch;
    int len = v.carryLen;
    if (len + n > b.length) {
      throw new IOException("frame larger than " + b.length + " bytes");
    }
    System.arraycopy(v.carry, 0, b, 0, len);
    readBuf.get(b, len, n);
    len += n;
    int pos = 0;
    if (!v.upgraded) {
      int end = FrameScanner.indexOf(b, 0, len, HEADERS_END);
      if (end < 0) {
        v.keep(b, 0, len);
        return true;
      }
      if (!FrameScanner.startsWith(b, 0, "HTTP/1.1 101")) {
        return false;
      }
      v.upgraded = true;
      stats.open.incrementAndGet();
      if (v.resuming) {
        stats.reconnects.increment();
      }
      pos = end + HEADERS_END.length;
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
      if (opcode == OPCODE_TEXT) {
        counts.messages++;
        FrameScanner.eachEvent(b, start, end, v);
      } else if (opcode == OPCODE_CLOSE) {
        return false;
      }
      pos = end;
    }
    v.keep(b, pos, len);
    return true;
  }
}
