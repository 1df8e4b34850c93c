package io.shardcast.media.rtp;

/**
 * ULPFEC (RFC 5109) parity over a group of consecutive media packets, one protection level, as a
 * WebRTC receiver takes it inside RED (RFC 2198): the XOR of the group's header fields and of their
 * payloads, from which a receiver rebuilds any one packet of the group that was lost. The group
 * is added to one packet at a time (the packets as sent without RED: media payload type, no
 * extensions) and written as one FEC packet's payload; nothing is allocated per packet.
 */
final class Ulpfec {

  /** Packets one FEC packet can protect with the short (16-bit) mask. */
  static final int MAX_GROUP = 16;
  /** The FEC header and the level-0 header with the short mask. */
  static final int HEADER_BYTES = 10 + 4;

  private final byte[] parity;
  private int protectionLength;
  private int base = -1;
  private int count;
  private int markerAndType;
  private int timestamp;
  private int lengths;

  Ulpfec(int maxPayload) {
    parity = new byte[maxPayload];
  }

  /** Starts a new, empty group. */
  void reset() {
    java.util.Arrays.fill(parity, 0, protectionLength, (byte) 0);
    protectionLength = 0;
    base = -1;
    count = 0;
    markerAndType = 0;
    timestamp = 0;
    lengths = 0;
  }

  /**
   * Adds the media packet {@code seq} (its marker, payload type and timestamp, and the payload
   * {@code payload[off..off+n)} after the 12-byte RTP header). Packets must follow each other by
   * sequence number, at most {@link #MAX_GROUP} of them.
   */
  void add(int seq, boolean marker, int payloadType, long ts, byte[] payload, int off, int n) {
    if (count == 0) {
      base = seq & 0xFFFF;
    }
    count++;
    markerAndType ^= (marker ? 0x80 : 0) | payloadType;
    timestamp ^= (int) ts;
    lengths ^= n;
    for (int i = 0; i < n; i++) {
      parity[i] ^= payload[off + i];
    }
    if (n > protectionLength) {
      protectionLength = n;
    }
  }

  /**
   * Writes the FEC packet's payload (after the RTP header and the RED header) into {@code out} at
   * {@code off}: the FEC header, the level-0 header and the parity. Returns its length.
   */
  int write(byte[] out, int off) {
    out[off] = 0; // E = 0, L = 0 (16-bit mask); P, X and CC recovered are 0: no packet sets them
    out[off + 1] = (byte) markerAndType;
    out[off + 2] = (byte) (base >>> 8);
    out[off + 3] = (byte) base;
    out[off + 4] = (byte) (timestamp >>> 24);
    out[off + 5] = (byte) (timestamp >>> 16);
    out[off + 6] = (byte) (timestamp >>> 8);
    out[off + 7] = (byte) timestamp;
    out[off + 8] = (byte) (lengths >>> 8);
    out[off + 9] = (byte) lengths;
    out[off + 10] = (byte) (protectionLength >>> 8);
    out[off + 11] = (byte) protectionLength;
    int mask = (0xFFFF << (16 - count)) & 0xFFFF; // packets base .. base + count - 1
    out[off + 12] = (byte) (mask >>> 8);
    out[off + 13] = (byte) mask;
    System.arraycopy(parity, 0, out, off + HEADER_BYTES, protectionLength);
    return HEADER_BYTES + protectionLength;
  }
}
