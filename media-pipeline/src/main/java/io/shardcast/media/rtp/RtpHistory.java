package io.shardcast.media.rtp;

/**
 * What the last few RTP packets of one stream were made of: for each sequence number, the bytes it
 * carried (a reference into the frame it came from, which the track's ring keeps anyway), its FU-A
 * prefix, timestamp and marker. A packet can be made again for a NACK without the history
 * holding a copy: a few dozen bytes per packet instead of a kilobyte and a half.
 */
final class RtpHistory {

  final byte[][] source;
  final int[] offset;
  final int[] length;
  final byte[] fuIndicator;
  /** The FU-A header with bit 8 set, or 0 for a packet that is a whole NAL unit. */
  final int[] fuHeader;
  final int[] timestamp;
  final boolean[] marker;
  private final int[] seq;
  private final int mask;

  /** Holds the last {@code packets} packets (rounded up to a power of two). */
  RtpHistory(int packets) {
    int n = Integer.highestOneBit(Math.max(16, packets - 1)) << 1;
    source = new byte[n][];
    offset = new int[n];
    length = new int[n];
    fuIndicator = new byte[n];
    fuHeader = new int[n];
    timestamp = new int[n];
    marker = new boolean[n];
    seq = new int[n];
    java.util.Arrays.fill(seq, -1);
    mask = n - 1;
  }

  void record(int sequence, byte[] src, int off, int len, byte indicator, int header, long ts, boolean last) {
    int i = sequence & mask;
    source[i] = src;
    offset[i] = off;
    length[i] = len;
    fuIndicator[i] = indicator;
    fuHeader[i] = header;
    timestamp[i] = (int) ts;
    marker[i] = last;
    seq[i] = sequence;
  }

  boolean holds(int sequence) {
    return seq[sequence & mask] == (sequence & 0xFFFF);
  }

  int slot(int sequence) {
    return sequence & mask;
  }
}
