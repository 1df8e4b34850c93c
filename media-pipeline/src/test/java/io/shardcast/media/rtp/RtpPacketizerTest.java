package io.shardcast.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardcast.media.MediaFrame;
import io.shardcast.media.flv.Flv;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** H.264 over RTP for WebRTC: a packet a browser NACKs is sent again byte for byte, while the history holds it. */
class RtpPacketizerTest {

  /** An FLV AVC NALU body holding one IDR slice of {@code size} bytes (4-byte lengths). */
  private static byte[] keyframe(int size) {
    ByteBuffer b = ByteBuffer.allocate(5 + 4 + size);
    b.put(new byte[] {0x17, 1, 0, 0, 0}).putInt(size).put((byte) 0x65);
    for (int i = 1; i < size; i++) {
      b.put((byte) (i * 31));
    }
    return b.array();
  }

  private static byte[] delta(int size) {
    byte[] k = keyframe(size);
    k[0] = 0x27;
    k[9] = 0x41;
    return k;
  }

  @Test
  void aNackedPacketIsSentAgainAsItWasFirstSentWhileTheHistoryHoldsIt() {
    List<byte[]> sent = new ArrayList<>();
    RtpPacketizer p = new RtpPacketizer(0x1234, 0x1235, 102, (packet, length, video) ->
        sent.add(Arrays.copyOf(packet, length))).withHistory(64);
    p.frame(new MediaFrame(Flv.VIDEO, 1000, keyframe(5000), 0)); // FU-A fragments
    p.frame(new MediaFrame(Flv.VIDEO, 1033, delta(300), 0)); // a single NAL unit packet
    assertEquals(6, sent.size(), "five fragments of the keyframe and one delta");
    assertEquals(102, Rtp.payloadType(sent.get(0)), "the payload type the browser's offer chose");
    int first = sent.size();
    for (int i = 0; i < first; i++) {
      int seq = Rtp.seq(sent.get(i));
      int before = sent.size();
      assertTrue(p.resend(seq), "packet " + seq + " is in the history");
      assertArrayEquals(sent.get(i), sent.get(before), "packet " + seq + " is made again byte for byte");
    }
    assertEquals(1033 * 90, p.lastVideoTimestamp());
  }

  @Test
  void aPacketOlderThanTheHistoryIsNotSentAgain() {
    List<byte[]> sent = new ArrayList<>();
    RtpPacketizer p = new RtpPacketizer(1, 2, 96, (packet, length, video) -> sent.add(Arrays.copyOf(packet, length)))
        .withHistory(16);
    for (int i = 0; i < 40; i++) {
      p.frame(new MediaFrame(Flv.VIDEO, 33L * i, delta(100), 0));
    }
    int count = sent.size();
    assertFalse(p.resend(Rtp.seq(sent.get(0))), "the first packet is long gone");
    assertFalse(p.resend(Rtp.seq(sent.get(39)) + 1), "a packet not sent yet");
    assertTrue(p.resend(Rtp.seq(sent.get(39))));
    assertEquals(count + 1, sent.size());
  }
}
