package io.shardcast.media.webrtc;

import io.shardcast.media.format.MediaFormatException;

/**
 * Reads the RTCP a browser sends a WebRTC sender (RFC 3550, RFC 4585, RFC 5104): receiver report
 * blocks (loss, jitter, round-trip time), generic NACKs, picture loss and full intra requests, and
 * the receiver's bandwidth estimate (REMB). Transport-wide feedback and SDES are recognised and
 * skipped. A compound packet is read packet by packet; a malformed one stops the reading with a
 * {@link MediaFormatException}, after the packets before it were delivered.
 */
public final class RtcpFeedback {

  /** What the packets say, one call per item; nothing is allocated while reading. */
  public interface Listener {
    /** A report block about a stream this side sends: fraction lost of 256, cumulative lost, jitter, LSR, DLSR. */
    void report(int sourceSsrc, int fractionLost, int cumulativeLost, int jitter, int lastSr, int delaySinceSr);

    /** The receiver misses packet {@code seq} of {@code mediaSsrc}. */
    void nack(int mediaSsrc, int seq);

    /** The receiver cannot decode {@code mediaSsrc} until a keyframe (PLI or FIR). */
    void keyframeRequest(int mediaSsrc);

    /** The receiver's estimate of what the path carries (REMB), bits per second. */
    void estimate(long bitsPerSecond);
  }

  static final int SR = 200;
  static final int RR = 201;
  static final int RTPFB = 205;
  static final int PSFB = 206;

  private RtcpFeedback() {}

  /** Reads the compound packet {@code p[off, off+len)}; returns how many RTCP packets it held. */
  public static int read(byte[] p, int off, int len, Listener l) {
    int end = off + len;
    int o = off;
    int packets = 0;
    while (o < end) {
      if (end - o < 4) {
        throw new MediaFormatException("RTCP: " + (end - o) + " bytes left, shorter than a header");
      }
      if ((p[o] & 0xC0) != 0x80) {
        throw new MediaFormatException("RTCP: version " + ((p[o] & 0xC0) >>> 6));
      }
      int count = p[o] & 0x1F;
      int type = p[o + 1] & 0xFF;
      int bytes = 4 + 4 * (((p[o + 2] & 0xFF) << 8) | (p[o + 3] & 0xFF));
      if (o + bytes > end) {
        throw new MediaFormatException("RTCP: a packet of " + bytes + " bytes in " + (end - o) + " left");
      }
      int body = bytes;
      if ((p[o] & 0x20) != 0) { // padding: the last byte counts it
        int pad = p[o + bytes - 1] & 0xFF;
        if (pad == 0 || pad > bytes - 4) {
          throw new MediaFormatException("RTCP: padding of " + pad + " bytes");
        }
        body -= pad;
      }
      switch (type) {
        case SR -> reports(p, o + 28, o + body, count, l);
        case RR -> reports(p, o + 8, o + body, count, l);
        case RTPFB -> transportFeedback(p, o, body, count, l);
        case PSFB -> payloadFeedback(p, o, body, count, l);
        default -> { } // SDES, BYE, APP, XR: nothing a sender needs here
      }
      o += bytes;
      packets++;
    }
    return packets;
  }

  private static void reports(byte[] p, int from, int to, int count, Listener l) {
    if (from + 24 * count > to) {
      throw new MediaFormatException("RTCP: " + count + " report blocks do not fit in the packet");
    }
    for (int i = 0; i < count; i++) {
      int b = from + 24 * i;
      int lost = ((p[b + 5] & 0xFF) << 16) | ((p[b + 6] & 0xFF) << 8) | (p[b + 7] & 0xFF);
      l.report(getInt(p, b), p[b + 4] & 0xFF, lost << 8 >> 8, getInt(p, b + 12), getInt(p, b + 16), getInt(p, b + 20));
    }
  }

  private static void transportFeedback(byte[] p, int o, int body, int fmt, Listener l) {
    if (fmt != 1) {
      return; // 15 is transport-wide congestion control feedback: not read yet
    }
    if (body < 12) {
      throw new MediaFormatException("RTCP: a NACK of " + body + " bytes");
    }
    int media = getInt(p, o + 8);
    for (int f = o + 12; f + 4 <= o + body; f += 4) {
      int pid = ((p[f] & 0xFF) << 8) | (p[f + 1] & 0xFF);
      int blp = ((p[f + 2] & 0xFF) << 8) | (p[f + 3] & 0xFF);
      l.nack(media, pid);
      for (int bit = 0; bit < 16; bit++) {
        if ((blp & (1 << bit)) != 0) {
          l.nack(media, (pid + bit + 1) & 0xFFFF);
        }
      }
    }
  }

  private static void payloadFeedback(byte[] p, int o, int body, int fmt, Listener l) {
    if (body < 12) {
      throw new MediaFormatException("RTCP: payload-specific feedback of " + body + " bytes");
    }
    switch (fmt) {
      case 1 -> l.keyframeRequest(getInt(p, o + 8)); // PLI
      case 4 -> { // FIR: one entry per SSRC asked (the media SSRC field is unused)
        for (int f = o + 12; f + 8 <= o + body; f += 8) {
          l.keyframeRequest(getInt(p, f));
        }
      }
      case 15 -> { // application layer feedback: REMB is "REMB", SSRC count, 6-bit exponent, 18-bit mantissa
        if (body >= 20 && p[o + 12] == 'R' && p[o + 13] == 'E' && p[o + 14] == 'M' && p[o + 15] == 'B') {
          int exp = (p[o + 17] & 0xFF) >>> 2;
          long mantissa = ((p[o + 17] & 0x03L) << 16) | ((p[o + 18] & 0xFFL) << 8) | (p[o + 19] & 0xFFL);
          l.estimate(exp > 40 ? Long.MAX_VALUE : mantissa << exp);
        }
      }
      default -> { }
    }
  }

  /** Writes {@code v} big-endian at {@code b[o..o+4)}: the node's own RTCP (reports, PLI, REMB). */
  static void putInt(byte[] b, int o, int v) {
    b[o] = (byte) (v >>> 24);
    b[o + 1] = (byte) (v >>> 16);
    b[o + 2] = (byte) (v >>> 8);
    b[o + 3] = (byte) v;
  }

  private static int getInt(byte[] b, int o) {
    return ((b[o] & 0xFF) << 24) | ((b[o + 1] & 0xFF) << 16) | ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF);
  }
}
