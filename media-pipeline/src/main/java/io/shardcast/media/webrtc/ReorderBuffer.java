package io.shardcast.media.webrtc;

/**
 * A publisher's video packets of one stream put back in sequence, with the missing ones asked for
 * again (generic NACK, RFC 4585 6.2.1): a packet after a gap waits up to {@link #WAIT_MILLIS} for
 * the gap to fill (the browser resends what it still has), then the gap is given up and the
 * depacketizer sees it (the frame is dropped and a keyframe asked for, as before). Packets are
 * copied into slots allocated once each and reused; used on the session's thread only.
 */
final class ReorderBuffer {

  /** Where packets go, in sequence. */
  interface Out {
    void packet(byte[] p, int length);
  }

  /** Packets that may wait behind a gap: about a second of a 4 Mbit/s camera. */
  static final int SLOTS = 512;
  /** How long a gap may hold the packets behind it: a few round trips on a viewer's network. */
  static final long WAIT_MILLIS = 250;
  /** A missing packet is asked for again after this long, at most {@link #MAX_NACKS} times. */
  static final long RENACK_MILLIS = 60;
  static final int MAX_NACKS = 4;
  /** NACK entries (a packet and the 16 after it each) in one feedback packet. */
  private static final int MAX_ENTRIES = 16;
  private static final int PACKET_BYTES = 1500;

  private final Out out;
  private final byte[][] slot = new byte[SLOTS][];
  private final int[] length = new int[SLOTS];
  private final int[] held = new int[SLOTS];
  private final long[] lastNackMillis = new long[SLOTS];
  private final int[] nacks = new int[SLOTS];
  /** The next sequence number to hand on (-1 before the first packet). */
  private int expected = -1;
  /** Positions from {@link #expected} through the highest packet held (0: none held). */
  private int ahead;
  /** When the gap at {@link #expected} was first seen; {@link #NO_GAP} when there is none. */
  private long gapSinceMillis = NO_GAP;
  private static final long NO_GAP = Long.MIN_VALUE;
  long reordered;
  long recovered;
  long givenUp;
  long nacksSent;

  ReorderBuffer(Out out) {
    this.out = out;
    java.util.Arrays.fill(held, -1);
  }

  /** Takes packet {@code seq} ({@code p[0..length)}, copied if it must wait) at {@code now}. */
  void packet(byte[] p, int len, int seq, long now) {
    if (expected < 0) {
      expected = seq;
    }
    int d = (short) (seq - expected);
    if (d < 0) {
      return; // sent again after it was given up, or a duplicate
    }
    if (d >= SLOTS) {
      // Far ahead (a long outage): what waits is given up, and the stream starts again here.
      skip(d);
      d = 0;
    }
    if (d == 0) {
      int i = seq & (SLOTS - 1);
      if (nacks[i] > 0) {
        recovered++;
      }
      nacks[i] = 0;
      out.packet(p, len);
      expected = (expected + 1) & 0xFFFF;
      ahead = Math.max(0, ahead - 1);
      drain();
      gapSinceMillis = ahead > 0 ? now : NO_GAP;
      return;
    }
    int i = seq & (SLOTS - 1);
    if (held[i] == seq) {
      return; // a duplicate
    }
    if (slot[i] == null) {
      slot[i] = new byte[PACKET_BYTES];
    }
    if (len > PACKET_BYTES) {
      return;
    }
    System.arraycopy(p, 0, slot[i], 0, len);
    length[i] = len;
    held[i] = seq;
    reordered++;
    if (nacks[i] > 0) {
      recovered++;
      nacks[i] = 0;
    }
    ahead = Math.max(ahead, d + 1);
    if (gapSinceMillis == NO_GAP) {
      gapSinceMillis = now;
    }
  }

  /** Hands on the held packets that now follow in sequence. */
  private void drain() {
    while (ahead > 0) {
      int i = expected & (SLOTS - 1);
      if (held[i] != expected) {
        return;
      }
      held[i] = -1;
      out.packet(slot[i], length[i]);
      expected = (expected + 1) & 0xFFFF;
      ahead--;
    }
  }

  /** Gives up the {@code n} packets from {@link #expected} on (the depacketizer then sees the gap). */
  private void skip(int n) {
    for (int k = 0; k < Math.min(n, SLOTS); k++) {
      int i = (expected + k) & (SLOTS - 1);
      if (held[i] == ((expected + k) & 0xFFFF)) {
        held[i] = -1;
        out.packet(slot[i], length[i]); // what arrived is still handed on, in order
      } else {
        givenUp++;
        nacks[i] = 0;
      }
    }
    expected = (expected + n) & 0xFFFF;
    ahead = Math.max(0, ahead - n);
  }

  /** Gives up a gap that waited longer than {@link #WAIT_MILLIS}: up to the next held packet. */
  void expire(long now) {
    while (ahead > 0 && gapSinceMillis != NO_GAP && now - gapSinceMillis >= WAIT_MILLIS) {
      int n = 0;
      while (n < ahead && held[(expected + n) & (SLOTS - 1)] != ((expected + n) & 0xFFFF)) {
        n++;
      }
      skip(n);
      drain();
      gapSinceMillis = ahead > 0 ? now : NO_GAP;
    }
  }

  /**
   * Writes a generic NACK (RTCP RTPFB, FMT 1) for the missing packets due to be asked for into
   * {@code b} at {@code o}; returns the offset after it ({@code o} when none is due).
   */
  int nack(byte[] b, int o, int senderSsrc, int mediaSsrc, long now) {
    if (ahead == 0 || mediaSsrc == 0) {
      return o;
    }
    int entries = 0;
    int at = o + 12;
    int pid = -1;
    int blp = 0;
    for (int k = 0; k < ahead; k++) {
      int seq = (expected + k) & 0xFFFF;
      int i = seq & (SLOTS - 1);
      if (held[i] == seq || nacks[i] >= MAX_NACKS || (nacks[i] > 0 && now - lastNackMillis[i] < RENACK_MILLIS)) {
        continue;
      }
      int offset = pid < 0 ? -1 : (seq - pid) & 0xFFFF;
      if (offset < 1 || offset > 16) {
        if (pid >= 0) {
          if (entries + 1 >= MAX_ENTRIES) {
            break; // the rest in the next feedback
          }
          at = entry(b, at, pid, blp);
          entries++;
        }
        pid = seq;
        blp = 0;
      } else {
        blp |= 1 << (offset - 1);
      }
      nacks[i]++;
      lastNackMillis[i] = now;
      nacksSent++;
    }
    if (pid >= 0) {
      at = entry(b, at, pid, blp);
    }
    if (at == o + 12) {
      return o;
    }
    int words = (at - o) / 4 - 1;
    b[o] = (byte) 0x81; // V=2, FMT=1
    b[o + 1] = (byte) RtcpFeedback.RTPFB;
    b[o + 2] = (byte) (words >>> 8);
    b[o + 3] = (byte) words;
    RtcpFeedback.putInt(b, o + 4, senderSsrc);
    RtcpFeedback.putInt(b, o + 8, mediaSsrc);
    return at;
  }

  private static int entry(byte[] b, int at, int pid, int blp) {
    b[at] = (byte) (pid >>> 8);
    b[at + 1] = (byte) pid;
    b[at + 2] = (byte) (blp >>> 8);
    b[at + 3] = (byte) blp;
    return at + 4;
  }
}
