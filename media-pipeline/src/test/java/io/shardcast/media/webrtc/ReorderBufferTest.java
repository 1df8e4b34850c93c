package io.shardcast.media.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A publisher's packets put back in sequence: a gap holds what follows it and is asked for again
 * (generic NACK, read back as a sender reads it), a resent packet fills it, a gap that stays is
 * given up after the wait, and the 16-bit numbers wrap.
 */
class ReorderBufferTest {

  private final List<Integer> out = new ArrayList<>();
  private final ReorderBuffer buffer = new ReorderBuffer((p, length) -> out.add(((p[2] & 0xFF) << 8) | (p[3] & 0xFF)));

  private void send(int seq, long now) {
    byte[] p = new byte[20];
    p[2] = (byte) (seq >>> 8);
    p[3] = (byte) seq;
    buffer.packet(p, p.length, seq & 0xFFFF, now);
  }

  /** The sequence numbers a generic NACK asks for, as the browser's sender reads them. */
  private static List<Integer> asked(byte[] b, int o, int end) {
    assertEquals(0x81, b[o] & 0xFF, "V=2, FMT=1");
    assertEquals(RtcpFeedback.RTPFB, b[o + 1] & 0xFF);
    assertEquals(end - o, 4 * ((ByteBuffer.wrap(b).getShort(o + 2) & 0xFFFF) + 1));
    List<Integer> seqs = new ArrayList<>();
    for (int at = o + 12; at < end; at += 4) {
      int pid = ByteBuffer.wrap(b).getShort(at) & 0xFFFF;
      int blp = ByteBuffer.wrap(b).getShort(at + 2) & 0xFFFF;
      seqs.add(pid);
      for (int i = 0; i < 16; i++) {
        if ((blp & (1 << i)) != 0) {
          seqs.add((pid + i + 1) & 0xFFFF);
        }
      }
    }
    return seqs;
  }

  @Test
  void aGapIsAskedForAndFilledAndEverythingComesOutInSequenceAcrossTheWrap() {
    send(65_533, 0);
    send(65_534, 0);
    send(1, 10); // 65535 and 0 lost
    send(2, 10);
    assertEquals(List.of(65_533, 65_534), out, "what follows the gap waits");
    byte[] b = new byte[200];
    int end = buffer.nack(b, 0, 7, 9, 20);
    assertEquals(List.of(65_535, 0), asked(b, 0, end));
    assertEquals(0, buffer.nack(b, 0, 7, 9, 30), "not asked again before the interval");
    send(0, 40);
    assertEquals(List.of(65_533, 65_534), out);
    send(65_535, 45);
    assertEquals(List.of(65_533, 65_534, 65_535, 0, 1, 2), out, "in sequence once the gap fills");
    assertEquals(2, buffer.recovered);
    assertEquals(0, buffer.nack(b, 0, 7, 9, 200), "nothing missing");
    send(65_535, 50);
    assertEquals(6, out.size(), "a late copy is dropped");
  }

  @Test
  void aGapThatStaysIsGivenUpAfterTheWaitAndAskedForAtMostFourTimes() {
    send(100, 0);
    send(103, 0);
    send(104, 0);
    byte[] b = new byte[200];
    int asks = 0;
    for (long now = 0; now < ReorderBuffer.WAIT_MILLIS; now += 10) {
      int end = buffer.nack(b, 0, 7, 9, now);
      if (end > 0) {
        assertEquals(List.of(101, 102), asked(b, 0, end));
        asks++;
      }
      buffer.expire(now);
    }
    assertEquals(ReorderBuffer.MAX_NACKS, asks);
    assertEquals(List.of(100), out);
    buffer.expire(ReorderBuffer.WAIT_MILLIS);
    assertEquals(List.of(100, 103, 104), out, "the gap given up, what came after it handed on");
    assertEquals(2, buffer.givenUp);
    send(105, 300);
    assertEquals(List.of(100, 103, 104, 105), out);
  }

  @Test
  void aJumpFartherThanTheBufferStartsAgainThere() {
    send(10, 0);
    send(12, 0);
    send(10 + ReorderBuffer.SLOTS + 5, 5);
    assertEquals(List.of(10, 12, 10 + ReorderBuffer.SLOTS + 5), out);
  }
}
