package io.shardcast.media.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardcast.media.format.MediaFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a browser's compound RTCP says to the sender: reports, NACKs, keyframe requests, its estimate. */
class RtcpFeedbackTest {

  /** Records every call as a line. */
  static final class Recorder implements RtcpFeedback.Listener {
    final List<String> calls = new ArrayList<>();

    @Override
    public void report(int ssrc, int lost, int cumulative, int jitter, int lastSr, int delaySinceSr) {
      calls.add("report " + ssrc + " " + lost + " " + cumulative + " " + jitter + " " + lastSr + " " + delaySinceSr);
    }

    @Override
    public void nack(int ssrc, int seq) {
      calls.add("nack " + ssrc + " " + seq);
    }

    @Override
    public void keyframeRequest(int ssrc) {
      calls.add("keyframe " + ssrc);
    }

    @Override
    public void estimate(long bps) {
      calls.add("estimate " + bps);
    }
  }

  private static ByteBuffer header(ByteBuffer b, int count, int type, int words) {
    return b.put((byte) (0x80 | count)).put((byte) type).putShort((short) words);
  }

  @Test
  void aCompoundPacketIsReadPacketByPacket() {
    ByteBuffer b = ByteBuffer.allocate(256);
    header(b, 1, 201, 7).putInt(9).putInt(77).put((byte) 25).put((byte) 0xFF).put((byte) 0xFF).put((byte) 0xFE)
        .putInt(5000).putInt(120).putInt(0x11112222).putInt(6553); // RR, one block, cumulative lost -2
    header(b, 1, 202, 2).putInt(9).putInt(0); // SDES: skipped
    header(b, 1, 205, 3).putInt(9).putInt(77).putShort((short) 65535).putShort((short) 0b101); // NACK 65535, 0, 2
    header(b, 1, 206, 2).putInt(9).putInt(77); // PLI
    header(b, 4, 206, 4).putInt(9).putInt(0).putInt(77).putInt(0x01000000); // FIR
    header(b, 15, 206, 5).putInt(9).putInt(0).put("REMB".getBytes()).put((byte) 1)
        .put((byte) ((3 << 2) | 1)).putShort((short) 0x0000).putInt(77); // 2^16 * 2^3 = 524288 bps
    Recorder r = new Recorder();
    assertEquals(6, RtcpFeedback.read(b.array(), 0, b.position(), r));
    assertEquals(List.of("report 77 25 -2 120 286335522 6553", "nack 77 65535", "nack 77 0", "nack 77 2",
        "keyframe 77", "keyframe 77", "estimate 524288"), r.calls);
  }

  @Test
  void aMalformedPacketStopsTheReadingAfterWhatCameBefore() {
    ByteBuffer b = ByteBuffer.allocate(64);
    header(b, 1, 206, 2).putInt(9).putInt(77); // PLI
    header(b, 0, 201, 40).putInt(9); // claims 164 bytes
    Recorder r = new Recorder();
    assertThrows(MediaFormatException.class, () -> RtcpFeedback.read(b.array(), 0, b.position(), r));
    assertEquals(List.of("keyframe 77"), r.calls);
    ByteBuffer blocks = ByteBuffer.allocate(64);
    header(blocks, 3, 201, 7).putInt(9); // three report blocks in room for one
    assertThrows(MediaFormatException.class, () -> RtcpFeedback.read(blocks.array(), 0, 32, new Recorder()));
    assertThrows(MediaFormatException.class, () -> RtcpFeedback.read(new byte[] {0x40, (byte) 201, 0, 1, 0, 0, 0, 0},
        0, 8, new Recorder()), "version 1");
  }
}
