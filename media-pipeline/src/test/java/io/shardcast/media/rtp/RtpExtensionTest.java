package io.shardcast.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Header extension elements (RFC 8285) as a browser writes them: one-byte and two-byte forms, padding, and broken blocks. */
class RtpExtensionTest {

  private static byte[] packet(int profile, int... block) {
    byte[] p = new byte[12 + 4 + block.length + 3];
    p[0] = (byte) 0x90; // V=2, X=1
    p[1] = 96;
    p[12] = (byte) (profile >>> 8);
    p[13] = (byte) profile;
    p[14] = 0;
    p[15] = (byte) (block.length / 4);
    for (int i = 0; i < block.length; i++) {
      p[16 + i] = (byte) block[i];
    }
    return p;
  }

  private static String value(byte[] p, int found) {
    return new String(p, found & 0xFFFF, found >>> 16, StandardCharsets.US_ASCII);
  }

  @Test
  void elementsAreFoundByIdInBothFormsPastPadding() {
    // One-byte: id 3 (2 bytes: transport-cc 0x0102), padding, id 10 (rid "half").
    byte[] p = packet(0xBEDE, 0x31, 1, 2, 0, 0xA3, 'h', 'a', 'l', 'f', 0, 0, 0);
    int cc = Rtp.extension(p, p.length, 3);
    assertEquals(2, cc >>> 16);
    assertEquals(1, p[cc & 0xFFFF]);
    assertEquals(2, p[(cc & 0xFFFF) + 1]);
    assertEquals("half", value(p, Rtp.extension(p, p.length, 10)));
    assertEquals(-1, Rtp.extension(p, p.length, 4));
    // Two-byte (0x1000): id 20, length 6.
    byte[] q = packet(0x1000, 20, 6, 's', 'o', 'u', 'r', 'c', 'e');
    assertEquals("source", value(q, Rtp.extension(q, q.length, 20)));
  }

  @Test
  void brokenBlocksFindNothing() {
    byte[] noExtension = new byte[20];
    noExtension[0] = (byte) 0x80;
    assertEquals(-1, Rtp.extension(noExtension, 20, 1));
    byte[] tooLong = packet(0xBEDE, 0x3F, 1, 2, 3); // an element of 16 bytes in a block of 4
    assertEquals(-1, Rtp.extension(tooLong, tooLong.length, 3));
    byte[] blockPastEnd = packet(0xBEDE, 0x31, 1, 2, 0);
    blockPastEnd[15] = 40;
    assertEquals(-1, Rtp.extension(blockPastEnd, blockPastEnd.length, 3));
    byte[] otherProfile = packet(0x1234, 0x31, 1, 2, 0);
    assertEquals(-1, Rtp.extension(otherProfile, otherProfile.length, 3));
  }
}
