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

/**
 * H.264 over RTP for WebRTC: a packet a browser NACKs is sent again byte for byte, while the
 * history holds it; with ULPFEC in RED, any one lost packet of a group is rebuilt from the FEC
 * packet and the others, as a receiver does (RFC 5109 section 10), and an FEC packet asked for
 * again is made again byte for byte.
 */
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

  private static final int RED = 63;
  private static final int ULPFEC = 117;
  private static final int H264 = 102;

  @Test
  void anyOneLostPacketOfAGroupIsRebuiltFromItsFecPacket() {
    List<byte[]> sent = new ArrayList<>();
    RtpPacketizer p = new RtpPacketizer(0x1234, 0x1235, H264, (packet, length, video) ->
        sent.add(Arrays.copyOf(packet, length))).withHistory(256).withUlpfec(RED, ULPFEC);
    p.fecGroup(3);
    p.frame(new MediaFrame(Flv.VIDEO, 1000, keyframe(5000), 0)); // five FU-A fragments
    p.frame(new MediaFrame(Flv.VIDEO, 1033, delta(300), 0)); // one packet, a frame of its own
    p.frame(new MediaFrame(Flv.VIDEO, 1066, delta(333), 0));
    // 5 fragments in groups of 3 and 2 (FEC after the frame), then 1 and 1: 7 media, 4 FEC.
    List<byte[]> media = new ArrayList<>();
    List<byte[]> fec = new ArrayList<>();
    for (int i = 0; i < sent.size(); i++) {
      byte[] pkt = sent.get(i);
      assertEquals(RED, Rtp.payloadType(pkt), "video travels inside RED");
      assertEquals(i, Rtp.seq(pkt) - Rtp.seq(sent.get(0)), "media and FEC share one sequence");
      if (pkt[12] == ULPFEC) {
        byte[] before = sent.get(i - 1);
        assertTrue(before[12] == ULPFEC || Rtp.marker(before), "FEC packets come after their frame's last packet, "
            + "never between a frame's packets (a receiver of H.264 finds a frame's start by walking back)");
      }
      (pkt[12] == ULPFEC ? fec : media).add(pkt);
    }
    assertEquals(7, media.size());
    assertEquals(4, fec.size());
    assertEquals(4, p.fecPackets());
    for (byte[] f : fec) {
      int base = ((f[15] & 0xFF) << 8) | (f[16] & 0xFF);
      int mask = ((f[25] & 0xFF) << 8) | (f[26] & 0xFF);
      List<byte[]> group = new ArrayList<>();
      for (byte[] m : media) {
        int bit = Rtp.seq(m) - base;
        if (bit >= 0 && bit < 16 && (mask & (0x8000 >>> bit)) != 0) {
          group.add(unred(m));
        }
      }
      assertEquals(Integer.bitCount(mask), group.size(), "the mask names consecutive media packets");
      for (int lost = 0; lost < group.size(); lost++) {
        List<byte[]> others = new ArrayList<>(group);
        byte[] missing = others.remove(lost);
        assertArrayEquals(missing, recover(f, Rtp.seq(missing), 0x1234, others),
            "packet " + Rtp.seq(missing) + " rebuilt from the FEC packet and the group's others");
      }
    }
    // A NACKed FEC packet is made again from the history, byte for byte.
    for (byte[] f : fec) {
      int before = sent.size();
      assertTrue(p.resend(Rtp.seq(f)));
      assertArrayEquals(f, sent.get(before));
    }
    // A clean path: no FEC, video still in RED.
    p.fecGroup(0);
    int before = sent.size();
    p.frame(new MediaFrame(Flv.VIDEO, 1100, delta(300), 0));
    assertEquals(before + 1, sent.size());
    assertEquals(RED, Rtp.payloadType(sent.get(before)));
    assertEquals(H264, sent.get(before)[12]);
  }

  /** The media packet inside a RED packet with one block: the RTP header with the block's payload type. */
  private static byte[] unred(byte[] red) {
    byte[] out = new byte[red.length - 1];
    System.arraycopy(red, 0, out, 0, 12);
    out[1] = (byte) ((red[1] & 0x80) | (red[12] & 0x7F));
    System.arraycopy(red, 13, out, 12, red.length - 13);
    return out;
  }

  /** A receiver's recovery (RFC 5109 section 10.2): the XOR of the FEC packet and the group's other packets. */
  private static byte[] recover(byte[] fecPacket, int missingSeq, int ssrc, List<byte[]> others) {
    int off = 13; // after the RTP header and RED's
    int markerAndType = fecPacket[off + 1] & 0xFF;
    int ts = ByteBuffer.wrap(fecPacket, off + 4, 4).getInt();
    int length = ByteBuffer.wrap(fecPacket, off + 8, 2).getShort() & 0xFFFF;
    int protection = ByteBuffer.wrap(fecPacket, off + 10, 2).getShort() & 0xFFFF;
    byte[] payload = Arrays.copyOfRange(fecPacket, off + 14, off + 14 + protection);
    for (byte[] o : others) {
      markerAndType ^= o[1] & 0xFF;
      ts ^= ByteBuffer.wrap(o, 4, 4).getInt();
      length ^= o.length - 12;
      for (int i = 12; i < o.length; i++) {
        payload[i - 12] ^= o[i];
      }
    }
    byte[] out = new byte[12 + length];
    Rtp.header(out, markerAndType & 0x7F, (markerAndType & 0x80) != 0, missingSeq, ts & 0xFFFFFFFFL, ssrc);
    System.arraycopy(payload, 0, out, 12, length);
    return out;
  }
}
