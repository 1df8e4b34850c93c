package io.shardcast.media.webrtc;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01)
 * for a publishing browser: when each of its packets (numbered across its streams by the
 * transport-cc header extension) arrived, sent back every {@link #INTERVAL_MILLIS}, from which the
 * browser's own congestion controller sets its send rate (and turns simulcast layers on and off).
 * Arrivals are kept in a ring; feedback is written into the caller's buffer; nothing is allocated
 * per packet. Used on the session's thread only.
 */
final class TransportFeedback {

  /** How often feedback goes out: what browsers send their senders. */
  static final long INTERVAL_MILLIS = 50;
  /** Packets one feedback may report (the buffer it is written to holds them). */
  static final int MAX_PACKETS_PER_FEEDBACK = 300;
  /** Arrivals remembered: a few feedback intervals of a 4 Mbit/s camera. */
  private static final int RING = 2048;
  private static final int FMT = 15;
  private static final int RTPFB = 205;
  /** Arrival deltas are counted in 250 microsecond ticks, the reference time in 64 ms ones. */
  private static final long TICK_MICROS = 250;
  private static final long REFERENCE_MICROS = 64_000;

  private final long[] arrival = new long[RING];
  private final long[] numberAt = new long[RING];
  /** The highest packet number seen (unwrapped), and the first one not reported yet; -1 before any. */
  private long highest = -1;
  private long next = -1;
  private int feedbackCount;
  private long lastSentMillis;
  long reported;

  TransportFeedback() {
    java.util.Arrays.fill(numberAt, -1);
  }

  /** Packet {@code number} (the extension's 16 bits) arrived at {@code micros}. */
  void received(int number, long micros) {
    long n;
    if (highest < 0) {
      n = number & 0xFFFF;
      next = n;
    } else {
      n = highest + (short) ((number & 0xFFFF) - (highest & 0xFFFF));
      if (n < next) {
        return; // already reported (as lost): too late to count
      }
    }
    if (n > highest) {
      if (highest >= 0 && n - next >= RING) {
        next = n - RING + 1; // a gap longer than the ring: what fell out is not reported
      }
      highest = n;
    }
    int slot = (int) (n & (RING - 1));
    numberAt[slot] = n;
    arrival[slot] = micros;
  }

  /**
   * Writes a feedback packet (RTCP RTPFB, FMT 15) into {@code b} at {@code o} when one is due at
   * {@code nowMillis} and there are packets to report; returns the offset after it ({@code o} when
   * nothing was written). {@code b} must hold {@code 20 + 3 * MAX_PACKETS_PER_FEEDBACK} bytes past {@code o}.
   */
  int write(byte[] b, int o, int senderSsrc, int mediaSsrc, long nowMillis) {
    if (highest < 0 || next > highest || nowMillis - lastSentMillis < INTERVAL_MILLIS) {
      return o;
    }
    // The first packet reported must have arrived: the reference time is taken from it.
    while (next <= highest && numberAt[(int) (next & (RING - 1))] != next) {
      next++;
    }
    if (next > highest) {
      return o;
    }
    long first = next;
    long reference = arrival[(int) (first & (RING - 1))] / REFERENCE_MICROS;
    long last = Math.min(highest, first + MAX_PACKETS_PER_FEEDBACK - 1);
    // Symbols first (how many packets fit: a delta too large for 16 bits ends this feedback early).
    int count = 0;
    long previous = reference * REFERENCE_MICROS;
    int deltasAt = o + 20 + 2 * ((int) (last - first + 1 + 6) / 7);
    int d = deltasAt;
    int chunk = o + 20;
    int symbols = 0;
    int bits = 0;
    for (long n = first; n <= last; n++) {
      int slot = (int) (n & (RING - 1));
      int symbol = 0;
      if (numberAt[slot] == n) {
        long ticks = Math.floorDiv(arrival[slot] - previous, TICK_MICROS);
        if (ticks >= 0 && ticks <= 255) {
          symbol = 1;
          b[d++] = (byte) ticks;
        } else if (ticks >= Short.MIN_VALUE && ticks <= Short.MAX_VALUE) {
          symbol = 2;
          b[d++] = (byte) (ticks >> 8);
          b[d++] = (byte) ticks;
        } else {
          break; // the next feedback starts here, with its own reference time
        }
        previous += ticks * TICK_MICROS;
      }
      bits = (bits << 2) | symbol;
      symbols++;
      count++;
      if (symbols == 7) {
        writeChunk(b, chunk, bits);
        chunk += 2;
        symbols = 0;
        bits = 0;
      }
    }
    if (symbols > 0) {
      writeChunk(b, chunk, bits << (2 * (7 - symbols)));
      chunk += 2;
    }
    // The chunks were laid out for every packet up to last; close the gap if fewer fit.
    if (chunk < deltasAt) {
      System.arraycopy(b, deltasAt, b, chunk, d - deltasAt);
      d -= deltasAt - chunk;
    }
    int length = d - o;
    int padding = (4 - length % 4) % 4;
    for (int i = 0; i < padding; i++) {
      b[d++] = 0;
    }
    if (padding > 0) {
      b[d - 1] = (byte) padding;
    }
    int words = (d - o) / 4 - 1;
    b[o] = (byte) (0x80 | (padding > 0 ? 0x20 : 0) | FMT);
    b[o + 1] = (byte) RTPFB;
    b[o + 2] = (byte) (words >>> 8);
    b[o + 3] = (byte) words;
    RtcpFeedback.putInt(b, o + 4, senderSsrc);
    RtcpFeedback.putInt(b, o + 8, mediaSsrc);
    b[o + 12] = (byte) (first >>> 8);
    b[o + 13] = (byte) first;
    b[o + 14] = (byte) (count >>> 8);
    b[o + 15] = (byte) count;
    RtcpFeedback.putInt(b, o + 16, (int) ((reference & 0xFFFFFF) << 8) | (feedbackCount++ & 0xFF));
    next = first + count;
    reported += count;
    lastSentMillis = nowMillis;
    return d;
  }

  /** A status vector chunk of seven two-bit symbols (0 not received, 1 small delta, 2 large delta). */
  private static void writeChunk(byte[] b, int at, int bits) {
    int chunk = 0xC000 | (bits & 0x3FFF);
    b[at] = (byte) (chunk >>> 8);
    b[at + 1] = (byte) chunk;
  }
}
