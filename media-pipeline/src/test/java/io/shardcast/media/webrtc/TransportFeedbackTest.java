package io.shardcast.media.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Transport-cc feedback as a browser's congestion controller reads it: which packets arrived and
 * when (to 250 microseconds), lost ones marked, across a wrap of the 16-bit numbers, a delta too
 * large for one feedback ending it early, and nothing sent before the interval.
 */
class TransportFeedbackTest {

  /** What one feedback packet says: its first number, and per packet the arrival (micros) or -1. */
  record Read(int base, int feedbackCount, List<Long> arrivals) {}

  /** A receiver's reading of the packet (the draft's section 3.1), as the browser's sender does it. */
  static Read read(byte[] b, int o, int length) {
    ByteBuffer p = ByteBuffer.wrap(b, o, length);
    assertEquals(15, b[o] & 0x1F, "FMT 15");
    assertEquals(205, b[o + 1] & 0xFF, "RTPFB");
    assertEquals(length, 4 * ((p.getShort(o + 2) & 0xFFFF) + 1), "the length field counts the whole packet");
    int base = p.getShort(o + 12) & 0xFFFF;
    int count = p.getShort(o + 14) & 0xFFFF;
    int word = p.getInt(o + 16);
    long reference = (word >>> 8) * 64_000L;
    List<Integer> symbols = new ArrayList<>();
    int at = o + 20;
    while (symbols.size() < count) {
      int chunk = p.getShort(at) & 0xFFFF;
      at += 2;
      if ((chunk & 0x8000) == 0) { // run length
        for (int i = 0; i < (chunk & 0x1FFF); i++) {
          symbols.add((chunk >>> 13) & 3);
        }
      } else if ((chunk & 0x4000) != 0) { // two-bit vector
        for (int i = 6; i >= 0; i--) {
          symbols.add((chunk >>> (2 * i)) & 3);
        }
      } else {
        for (int i = 13; i >= 0; i--) {
          symbols.add((chunk >>> i) & 1);
        }
      }
    }
    List<Long> arrivals = new ArrayList<>();
    long t = reference;
    for (int i = 0; i < count; i++) {
      int s = symbols.get(i);
      if (s == 0) {
        arrivals.add(-1L);
        continue;
      }
      int ticks = s == 1 ? b[at++] & 0xFF : p.getShort((at += 2) - 2);
      t += ticks * 250L;
      arrivals.add(t);
    }
    return new Read(base, word & 0xFF, arrivals);
  }

  @Test
  void arrivalsAndLossesReadBackAcrossTheWrapOfTheNumbers() {
    TransportFeedback f = new TransportFeedback();
    long t0 = 10_000_123L;
    // 65530 .. 65545 (wrapping to 9), every third one lost, 1.1 ms apart, one of them 90 ms late.
    List<Long> sent = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      long at = t0 + i * 1_100L + (i == 10 ? 90_000 : 0);
      if (i % 3 == 2) {
        sent.add(-1L);
      } else {
        f.received((65_530 + i) & 0xFFFF, at);
        sent.add(at);
      }
    }
    byte[] b = new byte[1300];
    int end = f.write(b, 4, 0x1111, 0x2222, 1_000);
    assertTrue(end > 4 && (end - 4) % 4 == 0, "a whole number of 32-bit words");
    Read r = read(b, 4, end - 4);
    assertEquals(65_530, r.base());
    assertEquals(16, r.arrivals().size());
    for (int i = 0; i < 16; i++) {
      if (sent.get(i) < 0) {
        assertEquals(-1L, r.arrivals().get(i), "packet " + i + " lost");
      } else {
        assertEquals(sent.get(i), r.arrivals().get(i), 250, "packet " + i + "'s arrival, to a tick");
      }
    }
    assertEquals(4, f.write(b, 4, 0x1111, 0x2222, 1_010), "nothing new, and not due");
    f.received(10, t0 + 200_000);
    assertEquals(4, f.write(b, 4, 0x1111, 0x2222, 1_020), "not due before the interval");
    int next = f.write(b, 0, 0x1111, 0x2222, 1_100);
    Read r2 = read(b, 0, next);
    assertEquals(10, r2.base(), "the next feedback starts after the last one reported");
    assertEquals(1, r2.feedbackCount());
    assertEquals(t0 + 200_000, r2.arrivals().get(0), 250);
  }

  @Test
  void aGapTooLongForSixteenBitsOfTicksEndsTheFeedbackAndTheNextTakesItUp() {
    TransportFeedback f = new TransportFeedback();
    f.received(1, 1_000_000);
    f.received(2, 1_000_000 + 9_000_000); // nine seconds later: more than 32767 ticks
    byte[] b = new byte[1300];
    int end = f.write(b, 0, 1, 2, 100);
    assertEquals(1, read(b, 0, end).arrivals().size());
    end = f.write(b, 0, 1, 2, 200);
    Read second = read(b, 0, end);
    assertEquals(2, second.base());
    assertEquals(10_000_000, second.arrivals().get(0), 250);
  }
}
