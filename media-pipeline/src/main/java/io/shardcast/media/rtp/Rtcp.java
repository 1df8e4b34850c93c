package io.shardcast.media.rtp;

import java.nio.charset.StandardCharsets;

/**
 * The RTCP packets of Shardcast's protected RTP path (RFC 3550, RFC 4585): sender reports (for
 * round-trip time), receiver reports (loss fraction, which sizes the FEC), generic NACKs (which
 * ask for retransmission) and an APP packet "SUBS" by which a player asks a node for a room.
 * NACK sequence numbers are the transport-wide ones of the RTP header extension, since one
 * stream carries audio, video and parity.
 */
public final class Rtcp {

  public static final int SR = 200;
  public static final int RR = 201;
  public static final int APP = 204;
  public static final int RTPFB = 205;
  private static final int FMT_NACK = 1;

  private Rtcp() {}

  /** True when the datagram is RTCP (payload type 200..206 in the second byte), not RTP. */
  public static boolean isRtcp(byte[] p, int length) {
    int pt = p[1] & 0xFF;
    return length >= 8 && (p[0] & 0xC0) == 0x80 && pt >= 200 && pt <= 206;
  }

  public static int type(byte[] p) {
    return p[1] & 0xFF;
  }

  /** 32-bit middle of an NTP-like timestamp from millis (units of 1/65536 s). */
  public static int compactTime(long millis) {
    return (int) (millis * 65536 / 1000);
  }

  public static long compactToMillis(long compact) {
    return compact * 1000 / 65536;
  }

  /** SR with only what the round-trip time needs: sender SSRC and the compact send time. */
  public static int sr(byte[] b, int ssrc, long nowMillis) {
    header(b, 0, SR, 6);
    putInt(b, 4, ssrc);
    putInt(b, 8, 0);
    putInt(b, 12, compactTime(nowMillis)); // the middle 32 bits of the NTP time
    putInt(b, 16, 0);
    putInt(b, 20, 0);
    putInt(b, 24, 0);
    return 28;
  }

  /** The compact send time an SR carries. */
  public static int srTime(byte[] p) {
    return getInt(p, 12);
  }

  /** RR with one report block: fraction lost (0..255), last SR time and delay since it (1/65536 s). */
  public static int rr(byte[] b, int ssrc, int sourceSsrc, int fractionLost, int lastSr, int delaySinceSr) {
    header(b, 1, RR, 7);
    putInt(b, 4, ssrc);
    putInt(b, 8, sourceSsrc);
    b[12] = (byte) fractionLost;
    b[13] = 0;
    b[14] = 0;
    b[15] = 0;
    putInt(b, 16, 0);
    putInt(b, 20, 0);
    putInt(b, 24, lastSr);
    putInt(b, 28, delaySinceSr);
    return 32;
  }

  public static int rrFractionLost(byte[] p) {
    return p[12] & 0xFF;
  }

  public static int rrLastSr(byte[] p) {
    return getInt(p, 24);
  }

  public static int rrDelaySinceSr(byte[] p) {
    return getInt(p, 28);
  }

  /** Generic NACK for {@code count} transport sequence numbers (each as its own PID, BLP 0). */
  public static int nack(byte[] b, int ssrc, int sourceSsrc, int[] seqs, int count) {
    header(b, FMT_NACK, RTPFB, 2 + count);
    putInt(b, 4, ssrc);
    putInt(b, 8, sourceSsrc);
    for (int i = 0; i < count; i++) {
      int o = 12 + 4 * i;
      b[o] = (byte) (seqs[i] >>> 8);
      b[o + 1] = (byte) seqs[i];
      b[o + 2] = 0;
      b[o + 3] = 0;
    }
    return 12 + 4 * count;
  }

  /** Calls {@code each} with every sequence number a NACK asks for (PIDs and their bitmasks). */
  public static void nackSeqs(byte[] p, int length, java.util.function.IntConsumer each) {
    int words = ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
    int end = Math.min(length, 4 + 4 * words);
    for (int o = 12; o + 4 <= end; o += 4) {
      int pid = ((p[o] & 0xFF) << 8) | (p[o + 1] & 0xFF);
      int blp = ((p[o + 2] & 0xFF) << 8) | (p[o + 3] & 0xFF);
      each.accept(pid);
      for (int bit = 0; bit < 16; bit++) {
        if ((blp & (1 << bit)) != 0) {
          each.accept((pid + bit + 1) & 0xFFFF);
        }
      }
    }
  }

  public static boolean isNack(byte[] p) {
    return type(p) == RTPFB && (p[0] & 0x1F) == FMT_NACK;
  }

  /** APP "SUBS": a player asks for {@code stream} ({@code <roomId>[?camera=..&layer=..]}). */
  public static int subscribe(byte[] b, int ssrc, String stream) {
    byte[] s = stream.getBytes(StandardCharsets.UTF_8);
    int words = (s.length + 3) / 4;
    header(b, 0, APP, 2 + words);
    putInt(b, 4, ssrc);
    b[8] = 'S';
    b[9] = 'U';
    b[10] = 'B';
    b[11] = 'S';
    java.util.Arrays.fill(b, 12, 12 + 4 * words, (byte) 0);
    System.arraycopy(s, 0, b, 12, s.length);
    return 12 + 4 * words;
  }

  /** The stream a SUBS packet asks for, or null when it is not one. */
  public static String subscribed(byte[] p, int length) {
    if (type(p) != APP || length < 12 || p[8] != 'S' || p[9] != 'U' || p[10] != 'B' || p[11] != 'S') {
      return null;
    }
    int end = 12;
    while (end < length && p[end] != 0) {
      end++;
    }
    return new String(p, 12, end - 12, StandardCharsets.UTF_8);
  }

  public static int ssrc(byte[] p) {
    return getInt(p, 4);
  }

  private static void header(byte[] b, int count, int type, int lengthWords) {
    b[0] = (byte) (0x80 | count);
    b[1] = (byte) type;
    b[2] = (byte) (lengthWords >>> 8);
    b[3] = (byte) lengthWords;
  }

  private static void putInt(byte[] b, int o, int v) {
    b[o] = (byte) (v >>> 24);
    b[o + 1] = (byte) (v >>> 16);
    b[o + 2] = (byte) (v >>> 8);
    b[o + 3] = (byte) v;
  }

  private static int getInt(byte[] b, int o) {
    return ((b[o] & 0xFF) << 24) | ((b[o + 1] & 0xFF) << 16) | ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF);
  }
}
