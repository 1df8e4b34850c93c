package io.shardcast.testkit.load;

import static io.shardcast.testkit.load.FrameScanner.AT;
import static io.shardcast.testkit.load.FrameScanner.DRAIN_REASON;
import static io.shardcast.testkit.load.FrameScanner.REVEAL_AT;
import static io.shardcast.testkit.load.FrameScanner.SEQ;
import static io.shardcast.testkit.load.FrameScanner.STAMP;
import static io.shardcast.testkit.load.FrameScanner.TYPE;
import static io.shardcast.testkit.load.FrameScanner.WS_URL;
import static io.shardcast.testkit.load.FrameScanner.indexOf;
import static io.shardcast.testkit.load.FrameScanner.lastIndexOf;
import static io.shardcast.testkit.load.FrameScanner.number;
import static io.shardcast.testkit.load.FrameScanner.string;
import static io.shardcast.testkit.load.FrameScanner.typeIs;

import java.nio.channels.SocketChannel;

/**
 * One receive-only viewer of {@link LeanViewers}: its connection, the bytes of a frame a read cut
 * short, the last seq it received, and what it checks in each event ({@code seq} order, as
 * {@link Viewer} does, gaps, sale-open delay, comment latency, reconnect hints).
 */
final class LeanViewer implements FrameScanner.Events {

  final SocketChannel ch;
  final String roomId;
  final String user;
  volatile boolean upgraded;
  volatile long lastSeq;
  volatile boolean ended;
  /** Connection attempts for this viewer before this one (retries after a refusal). */
  final int attempt;
  /** Opened to resume (a hint followed, or a retry of one) from {@link #lastSeq}. */
  final boolean resuming;
  /** Set by a reconnect hint: the URL to resume at ("" when the hint named no node). */
  String moveTo;
  /** The start of a frame the last read cut short. */
  byte[] carry = new byte[0];
  int carryLen;
  private final AudienceStats stats;
  /** The counts of the selector thread this viewer is read on. */
  private final AudienceStats.Local counts;

  LeanViewer(SocketChannel ch, String roomId, String user, long lastSeq, int attempt, boolean resuming,
      AudienceStats stats, AudienceStats.Local counts) {
    this.ch = ch;
    this.roomId = roomId;
    this.user = user;
    this.lastSeq = lastSeq;
    this.attempt = attempt;
    this.resuming = resuming;
    this.stats = stats;
    this.counts = counts;
  }

  /** Keeps {@code b[from, to)} for the next read to complete. */
  void keep(byte[] b, int from, int to) {
    int n = to - from;
    if (n > carry.length) {
      carry = new byte[Math.max(n, 2 * carry.length)];
    }
    System.arraycopy(b, from, carry, 0, n);
    carryLen = n;
  }

  @Override
  public void onEvent(byte[] b, int start, int end) {
    counts.events++;
    int t = indexOf(b, start, end, TYPE);
    boolean snapshot = typeIs(b, t, "snapshot");
    boolean comment = typeIs(b, t, "comment\"");
    if (typeIs(b, t, "reconnect\"")) {
      // Drained or shed: the server closes next; resume where the hint says.
      moveTo = string(b, indexOf(b, start, end, WS_URL), WS_URL.length, end);
      if (indexOf(b, start, end, DRAIN_REASON) >= 0) {
        stats.drainHint(System.currentTimeMillis());
      }
      return;
    }
    if (typeIs(b, t, "saleOpen\"")) {
      // How far from the announced instant this viewer saw the sale open (never before it).
      stats.saleOpened(System.currentTimeMillis() - number(b, indexOf(b, start, end, REVEAL_AT), REVEAL_AT.length,
          end));
    }
    // The server writes an event's seq last and a snapshot's near its start: look from that side.
    long seq = number(b, snapshot ? indexOf(b, start, end, SEQ) : lastIndexOf(b, start, end, SEQ), SEQ.length, end);
    if (seq > 0) {
      if (snapshot) {
        if (resuming && lastSeq >= 0) {
          stats.resumeSnapshots.increment(); // resumed with since, yet given the whole room instead
        }
        lastSeq = Math.max(lastSeq, seq);
      } else if (seq <= lastSeq) {
        stats.outOfOrder.increment(); // rare: counted at once, so a check that follows sees it
      } else {
        if (lastSeq >= 0 && seq > lastSeq + 1) {
          stats.gaps.increment();
        }
        lastSeq = seq;
      }
    }
    if (comment) {
      long now = System.currentTimeMillis();
      int stamp = indexOf(b, start, end, STAMP);
      if (counts.commentLatency != null) {
        long sent = number(b, stamp, STAMP.length, end);
        if (sent > 0) {
          counts.commentLatency.record(now - sent);
        }
      }
      long at = number(b, indexOf(b, stamp < 0 ? start : stamp, end, AT), AT.length, end);
      if (at > 0) {
        counts.roomToViewer.record(now - at);
      }
    }
  }
}
