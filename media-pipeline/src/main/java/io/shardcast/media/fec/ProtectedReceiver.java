package io.shardcast.media.fec;

import io.shardcast.media.rtp.Rtcp;
import io.shardcast.media.rtp.Rtp;

/**
 * The receiving half of the protected RTP path: a jitter buffer ordered by the transport-wide
 * sequence number that waits at most {@code maxWaitMillis} for a missing packet, Reed-Solomon
 * repair of missing packets from their group's parity, NACKs for what parity could not rebuild
 * while the round trip still fits the wait, and receiver reports (loss before repair, which sizes
 * the sender's FEC). Buffers are allocated once.
 */
public final class ProtectedReceiver {

  /** Receives each packet in transport order: {@code packet[0..length)} is valid only during the call. */
  public interface Delivery {
    void packet(byte[] packet, int length);
  }

  /** Jitter buffer slots: about 3 s of packets at 2.5 Mbit/s, well past the longest wait. */
  private static final int SLOTS = 1024;
  /** Largest packet accepted: a sender's largest packet, or a parity packet over a group of them. */
  private static final int MAX_PACKET = ProtectedSender.MAX_PACKET + 32;
  /** Groups kept for repair: far more than fit in the jitter buffer's wait at any real rate. */
  private static final int GROUPS = 64;
  private static final long NACK_AFTER_MILLIS = 20;
  private static final int MAX_NACKS_PER_PACKET = 10;
  private static final long REPORT_INTERVAL_MILLIS = 250;
  private static final long START_WINDOW = 256;

  private final Delivery delivery;
  private final ProtectedSender.Transport feedback;
  private final long maxWaitMillis;
  private final int ssrc;
  private final byte[][] data = new byte[SLOTS][MAX_PACKET];
  private final int[] length = new int[SLOTS];
  private final long[] slotSeq = new long[SLOTS];
  private final long[] missingSince = new long[SLOTS];
  private final long[] lastNack = new long[SLOTS];
  private final int[] nacks = new int[SLOTS];
  private long highest = -1;
  private long next = -1;
  private int sourceSsrc;

  private final long[] groupBase = new long[GROUPS];
  private final int[] groupK = new int[GROUPS];
  private final int[] groupLength = new int[GROUPS];
  private final byte[][][] groupParity = new byte[GROUPS][ProtectedSender.MAX_GROUP][MAX_PACKET + 2];
  private final boolean[][] groupHasParity = new boolean[GROUPS][ProtectedSender.MAX_GROUP];
  private final boolean[] groupDone = new boolean[GROUPS];
  private int groupCursor;

  private final byte[][] symbols = new byte[ProtectedSender.MAX_GROUP][MAX_PACKET + 2];
  private final boolean[] symbolPresent = new boolean[ProtectedSender.MAX_GROUP];
  private final ReedSolomon.Decoder decoder = new ReedSolomon.Decoder(ProtectedSender.MAX_GROUP);
  private final int[] nackList = new int[64];
  private final byte[] rtcp = new byte[12 + 4 * 64];

  private int lastSrCompact;
  private long lastSrArrival;
  private long lastReportMillis;
  private long intervalExpectedStart = -1;
  private long intervalOriginals;
  private long rtt = -1;

  private long received;
  private long recovered;
  private long retransmitted;
  private long lost;

  public ProtectedReceiver(Delivery delivery, ProtectedSender.Transport feedback, long maxWaitMillis, int ssrc) {
    this.delivery = delivery;
    this.feedback = feedback;
    this.maxWaitMillis = maxWaitMillis;
    this.ssrc = ssrc;
    java.util.Arrays.fill(slotSeq, -1);
    java.util.Arrays.fill(groupBase, -1);
  }

  /** Takes one datagram from the sender. */
  public void datagram(byte[] p, int n, long nowMillis) {
    if (n < 8) {
      return;
    }
    if (Rtcp.isRtcp(p, n)) {
      if (Rtcp.type(p) == Rtcp.SR && n >= 28) {
        lastSrCompact = Rtcp.srTime(p);
        lastSrArrival = nowMillis;
        sourceSsrc = Rtcp.ssrc(p);
      }
      return;
    }
    if (n < Rtp.HEADER_BYTES + ProtectedSender.EXTENSION_BYTES || (p[0] & 0xC0) != 0x80) {
      return;
    }
    if (Rtp.payloadType(p) == Rtp.PT_FEC) {
      parity(p, n);
      return;
    }
    if ((p[0] & 0x10) == 0 || p[12] != (byte) 0xBE || p[13] != (byte) 0xDE || (p[16] & 0xF0) != 0x10) {
      return; // not on the protected path
    }
    int seq16 = ((p[17] & 0xFF) << 8) | (p[18] & 0xFF);
    long ext = extend(seq16);
    boolean nacked = ext >= 0 && slotSeq[slot(ext)] == ext && nacks[slot(ext)] > 0 && length[slot(ext)] == 0;
    long askedAt = nacked ? lastNack[slot(ext)] : 0;
    if (store(ext, p, n, nowMillis)) {
      if (nacked) {
        retransmitted++;
        long sample = nowMillis - askedAt;
        rtt = rtt < 0 ? sample : (rtt * 7 + sample) / 8;
      } else {
        intervalOriginals++;
      }
      received++;
      repairAround(ext);
    }
  }

  private long extend(int seq16) {
    if (highest < 0) {
      return seq16;
    }
    long base = highest & ~0xFFFFL;
    long candidate = base | seq16;
    if (candidate < highest - 0x8000) {
      candidate += 0x10000;
    } else if (candidate > highest + 0x8000) {
      candidate -= 0x10000;
    }
    return candidate;
  }

  private static int slot(long ext) {
    return (int) (ext % SLOTS);
  }

  /** Keeps a packet (original, retransmitted or rebuilt); false when it is late or a duplicate. */
  private boolean store(long ext, byte[] p, int n, long nowMillis) {
    if (n > MAX_PACKET || ext < 0) {
      return false;
    }
    if (next < 0) {
      // Senders number each session from 0: when the first packet to arrive is close to it, the
      // ones before it were lost and are waited for (and asked for) like any other.
      next = ext < START_WINDOW ? 0 : ext;
      highest = next - 1;
      intervalExpectedStart = next;
    }
    if (ext < next) {
      return false;
    }
    if (ext > highest) {
      if (ext - next >= SLOTS) {
        return false; // further ahead than the buffer holds: the stream restarted; drop until it catches up
      }
      for (long s = highest + 1; s < ext; s++) {
        int i = slot(s);
        slotSeq[i] = s;
        length[i] = 0;
        missingSince[i] = nowMillis;
        nacks[i] = 0;
      }
      highest = ext;
    } else if (slotSeq[slot(ext)] == ext && length[slot(ext)] > 0) {
      return false;
    }
    int i = slot(ext);
    slotSeq[i] = ext;
    System.arraycopy(p, 0, data[i], 0, n);
    length[i] = n;
    return true;
  }

  private boolean present(long ext) {
    int i = slot(ext);
    return slotSeq[i] == ext && length[i] > 0;
  }

  private void parity(byte[] p, int n) {
    int o = Rtp.HEADER_BYTES;
    if (n < o + 6) {
      return;
    }
    long base = extend(((p[o] & 0xFF) << 8) | (p[o + 1] & 0xFF));
    int k = p[o + 2] & 0xFF;
    int index = p[o + 4] & 0xFF;
    int len = n - o - 6;
    if (k < 1 || k > ProtectedSender.MAX_GROUP || index >= ProtectedSender.MAX_GROUP || len < 2
        || len > MAX_PACKET + 2 || base < next) {
      return;
    }
    int g = findGroup(base);
    if (g < 0) {
      g = groupCursor;
      groupCursor = (groupCursor + 1) % GROUPS;
      groupBase[g] = base;
      groupK[g] = k;
      groupLength[g] = len;
      groupDone[g] = false;
      java.util.Arrays.fill(groupHasParity[g], false);
    }
    if (groupDone[g] || groupLength[g] != len) {
      return;
    }
    System.arraycopy(p, o + 6, groupParity[g][index], 0, len);
    groupHasParity[g][index] = true;
    repair(g);
  }

  private int findGroup(long base) {
    for (int g = 0; g < GROUPS; g++) {
      if (groupBase[g] == base) {
        return g;
      }
    }
    return -1;
  }

  private void repairAround(long ext) {
    for (int g = 0; g < GROUPS; g++) {
      long b = groupBase[g];
      if (b >= 0 && !groupDone[g] && ext >= b && ext < b + groupK[g]) {
        repair(g);
      }
    }
  }

  private void repair(int g) {
    long base = groupBase[g];
    int k = groupK[g];
    int len = groupLength[g];
    int missing = 0;
    for (int j = 0; j < k; j++) {
      if (!present(base + j)) {
        missing++;
      }
    }
    if (missing == 0) {
      groupDone[g] = true;
      return;
    }
    int parities = 0;
    for (boolean has : groupHasParity[g]) {
      if (has) {
        parities++;
      }
    }
    if (parities < missing || base < next) {
      return;
    }
    for (int j = 0; j < k; j++) {
      symbolPresent[j] = present(base + j);
      if (symbolPresent[j]) {
        byte[] s = symbols[j];
        int n = length[slot(base + j)];
        if (n + 2 > len) {
          return; // the sender's group does not match what arrived
        }
        s[0] = (byte) (n >>> 8);
        s[1] = (byte) n;
        System.arraycopy(data[slot(base + j)], 0, s, 2, n);
        java.util.Arrays.fill(s, 2 + n, len, (byte) 0);
      }
    }
    if (!decoder.recover(symbols, symbolPresent, groupParity[g], groupHasParity[g], k, len)) {
      return;
    }
    groupDone[g] = true;
    for (int j = 0; j < k; j++) {
      long ext = base + j;
      if (!symbolPresent[j] && ext >= next) {
        byte[] s = symbols[j];
        int n = ((s[0] & 0xFF) << 8) | (s[1] & 0xFF);
        if (n >= Rtp.HEADER_BYTES && n + 2 <= len) {
          int i = slot(ext);
          slotSeq[i] = ext;
          System.arraycopy(s, 2, data[i], 0, n);
          length[i] = n;
          recovered++;
        }
      }
    }
  }

  /** Delivers what is in order, gives up on what waited too long, asks again for what is missing, reports. */
  public void poll(long nowMillis) {
    while (next >= 0 && next <= highest) {
      int i = slot(next);
      if (present(next)) {
        delivery.packet(data[i], length[i]);
        length[i] = 0;
        slotSeq[i] = -1;
        next++;
      } else if (nowMillis - missingSince[i] >= maxWaitMillis) {
        lost++;
        slotSeq[i] = -1;
        next++;
      } else {
        break;
      }
    }
    sendNacks(nowMillis);
    if (nowMillis - lastReportMillis >= REPORT_INTERVAL_MILLIS && next >= 0) {
      lastReportMillis = nowMillis;
      long expected = highest + 1 - intervalExpectedStart;
      int fraction = expected <= 0 ? 0 : (int) Math.max(0, Math.min(255, 256 * (expected - intervalOriginals) / expected));
      intervalExpectedStart = highest + 1;
      intervalOriginals = 0;
      int dlsr = lastSrArrival == 0 ? 0 : Rtcp.compactTime(nowMillis - lastSrArrival);
      feedback.send(rtcp, Rtcp.rr(rtcp, ssrc, sourceSsrc, fraction, lastSrCompact, dlsr));
    }
  }

  private void sendNacks(long nowMillis) {
    if (next < 0) {
      return;
    }
    int count = 0;
    long retryMillis = Math.max(15, rtt > 0 ? rtt * 6 / 5 : 40);
    for (long s = next; s <= highest && count < nackList.length; s++) {
      int i = slot(s);
      if (slotSeq[i] != s || length[i] > 0) {
        continue;
      }
      long waited = nowMillis - missingSince[i];
      boolean worth = rtt < 0 || waited + rtt < maxWaitMillis;
      if (waited >= NACK_AFTER_MILLIS && nacks[i] < MAX_NACKS_PER_PACKET && worth
          && (nacks[i] == 0 || nowMillis - lastNack[i] >= retryMillis)) {
        nacks[i]++;
        lastNack[i] = nowMillis;
        nackList[count++] = (int) (s & 0xFFFF);
      }
    }
    if (count > 0) {
      feedback.send(rtcp, Rtcp.nack(rtcp, ssrc, sourceSsrc, nackList, count));
    }
  }

  /** The sender's round trip, when the caller measures it (players learn it from SR/RR timing). */
  public void rtt(long millis) {
    this.rtt = millis;
  }

  public long received() {
    return received;
  }

  public long recovered() {
    return recovered;
  }

  public long retransmitted() {
    return retransmitted;
  }

  public long lost() {
    return lost;
  }
}
