package io.shardcast.media.fec;

import io.shardcast.media.rtp.Rtcp;
import io.shardcast.media.rtp.Rtp;

/**
 * The sending half of Shardcast's protected RTP path. Every RTP packet gets a transport-wide
 * sequence number (a one-byte RTP header extension, id 1), is kept in a bounded history for
 * retransmission, and joins a FEC group; each group of up to {@link #MAX_GROUP} packets is
 * followed by Reed-Solomon parity packets (payload type 127), as many as the receiver's reported
 * loss calls for. NACKs are answered from the history; RTCP receiver reports give the loss rate.
 * Sender reports go out four times a second (receivers echo them, as RFC 3550 has it). Buffers are
 * allocated once; sending allocates nothing.
 */
public final class ProtectedSender {

  /** Sends one datagram to the peer; {@code b[0..length)} is valid only during the call. */
  public interface Transport {
    void send(byte[] b, int length);
  }

  public static final int MAX_GROUP = 10;
  public static final int EXTENSION_BYTES = 8;
  /** Largest packet sent: the packetizer's 1,200-byte payload with its headers and the extension. */
  static final int MAX_PACKET = 1280;
  /** Packets kept for retransmission: about 1.7 s at 2.5 Mbit/s, well past the receiver's 250 ms wait (640 KiB). */
  private static final int HISTORY = 512;
  private static final int FEC_HEADER_BYTES = 6;
  /** A group is closed and protected once its oldest packet is this old, so protection never waits long. */
  private static final long GROUP_MAX_AGE_MILLIS = 15;
  private static final long SR_INTERVAL_MILLIS = 250;
  /** Reported loss above which retransmissions are sent twice. */
  private static final double HEAVY_LOSS = 0.15;

  private final Transport transport;
  private final int ssrc;
  private final int fecSsrc;
  private final byte[][] history = new byte[HISTORY][MAX_PACKET];
  private final int[] historyLength = new int[HISTORY];
  private final int[] historySeq = new int[HISTORY];
  private final byte[][] group = new byte[MAX_GROUP][];
  private final byte[] parity = new byte[MAX_PACKET + 64];
  private final byte[] out = new byte[MAX_PACKET + 64];
  private final byte[] rtcp = new byte[64];
  private int groupSize;
  private int groupBase;
  private int groupSymbolLength;
  private long groupStartMillis;
  private int transportSeq;
  private int fecSeq;
  private long lastSrMillis;
  /** Smoothed loss the receiver reports (0..1); before any report, a cautious 5%. */
  private double loss = 0.05;
  private final boolean fecEnabled;
  private long mediaBytes;
  private long parityBytes;

  public ProtectedSender(Transport transport, int ssrc, boolean fecEnabled) {
    this.transport = transport;
    this.ssrc = ssrc;
    this.fecSsrc = ssrc ^ 0x5A5A5A5A;
    this.fecEnabled = fecEnabled;
    for (int i = 0; i < HISTORY; i++) {
      historySeq[i] = -1;
    }
  }

  /** Sends one RTP packet (12-byte header, no extension) with protection. */
  public void send(byte[] rtp, int length, long nowMillis) {
    if (length < Rtp.HEADER_BYTES || length + EXTENSION_BYTES > MAX_PACKET) {
      return;
    }
    int seq = transportSeq++ & 0xFFFF;
    int slot = seq % HISTORY;
    byte[] h = history[slot];
    System.arraycopy(rtp, 0, h, 0, Rtp.HEADER_BYTES);
    h[0] |= 0x10; // extension present
    h[12] = (byte) 0xBE;
    h[13] = (byte) 0xDE;
    h[14] = 0;
    h[15] = 1; // one 32-bit word of extension
    h[16] = 0x11; // id 1, two bytes
    h[17] = (byte) (seq >>> 8);
    h[18] = (byte) seq;
    h[19] = 0;
    System.arraycopy(rtp, Rtp.HEADER_BYTES, h, Rtp.HEADER_BYTES + EXTENSION_BYTES, length - Rtp.HEADER_BYTES);
    int n = length + EXTENSION_BYTES;
    historyLength[slot] = n;
    historySeq[slot] = seq;
    transport.send(h, n);
    mediaBytes += n;
    if (fecEnabled) {
      if (groupSize == 0) {
        groupBase = seq;
        groupStartMillis = nowMillis;
        groupSymbolLength = 0;
      }
      group[groupSize++] = h;
      groupSymbolLength = Math.max(groupSymbolLength, n + 2);
      if (groupSize == MAX_GROUP || Rtp.marker(rtp) || nowMillis - groupStartMillis >= GROUP_MAX_AGE_MILLIS) {
        protect();
      }
    }
    if (nowMillis - lastSrMillis >= SR_INTERVAL_MILLIS) {
      lastSrMillis = nowMillis;
      transport.send(rtcp, Rtcp.sr(rtcp, ssrc, nowMillis));
    }
  }

  /** Parity packets needed for a group of {@code k} at the current loss: enough for twice the mean losses, at least one. */
  int parityCount(int k) {
    if (loss < 0.001) {
      return k >= 4 ? 1 : 0;
    }
    return Math.max(1, Math.min(k, (int) Math.ceil(k * (3 * loss + 0.02))));
  }

  private void protect() {
    int k = groupSize;
    int m = parityCount(k);
    int len = groupSymbolLength;
    // Symbols are [length (2 bytes), packet, zero padding] so a rebuilt packet knows its length.
    byte[][] symbols = symbolScratch(k, len);
    for (int i = 0; i < m; i++) {
      ReedSolomon.parity(symbols, k, len, i, parity, 0);
      Rtp.header(out, Rtp.PT_FEC, false, fecSeq++ & 0xFFFF, 0, fecSsrc);
      int o = Rtp.HEADER_BYTES;
      out[o] = (byte) (groupBase >>> 8);
      out[o + 1] = (byte) groupBase;
      out[o + 2] = (byte) k;
      out[o + 3] = (byte) m;
      out[o + 4] = (byte) i;
      out[o + 5] = 0;
      System.arraycopy(parity, 0, out, o + FEC_HEADER_BYTES, len);
      int n = o + FEC_HEADER_BYTES + len;
      transport.send(out, n);
      parityBytes += n;
    }
    groupSize = 0;
  }

  private final byte[][] symbols = new byte[MAX_GROUP][MAX_PACKET + 2];

  private byte[][] symbolScratch(int k, int len) {
    for (int j = 0; j < k; j++) {
      byte[] s = symbols[j];
      int n = ((group[j][0] & 0x10) != 0) ? packetLength(group[j]) : 0;
      s[0] = (byte) (n >>> 8);
      s[1] = (byte) n;
      System.arraycopy(group[j], 0, s, 2, n);
      java.util.Arrays.fill(s, 2 + n, len, (byte) 0);
    }
    return symbols;
  }

  private int packetLength(byte[] h) {
    int seq = ((h[17] & 0xFF) << 8) | (h[18] & 0xFF);
    return historyLength[seq % HISTORY];
  }

  /** Closes a group that has waited too long (call every few milliseconds when idle). */
  public void tick(long nowMillis) {
    if (groupSize > 0 && nowMillis - groupStartMillis >= GROUP_MAX_AGE_MILLIS) {
      protect();
    }
  }

  /** Takes an RTCP packet from the receiver: NACKs are answered, receiver reports update the loss. */
  public void feedback(byte[] p, int length, long nowMillis) {
    if (!Rtcp.isRtcp(p, length)) {
      return;
    }
    if (Rtcp.isNack(p)) {
      Rtcp.nackSeqs(p, length, retransmit);
    } else if (Rtcp.type(p) == Rtcp.RR && length >= 32) {
      double reported = Rtcp.rrFractionLost(p) / 256.0;
      loss = 0.6 * loss + 0.4 * reported;
    }
  }

  private final java.util.function.IntConsumer retransmit = this::retransmit;

  private void retransmit(int seq) {
    int slot = seq % HISTORY;
    if (historySeq[slot] == seq) {
      transport.send(history[slot], historyLength[slot]);
      if (loss > HEAVY_LOSS) {
        // On a very lossy path a retransmission is as likely to be lost as the original: send it
        // twice, so a packet parity could not rebuild rarely runs out of rounds (each costs a GOP).
        transport.send(history[slot], historyLength[slot]);
      }
    }
  }

  /** Parity bytes per media byte sent so far. */
  public double fecOverhead() {
    return mediaBytes == 0 ? 0 : parityBytes / (double) mediaBytes;
  }
}
