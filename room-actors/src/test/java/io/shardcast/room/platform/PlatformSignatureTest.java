package io.shardcast.room.platform;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The signature a relay computes (docs/api.md gives the recipe) is the one the room checks. */
class PlatformSignatureTest {

  private static final String SECRET = "relay-secret-0123456789";
  private static final byte[] BODY = "{\"events\":[]}".getBytes(StandardCharsets.UTF_8);
  /** Computed outside Java (Python's hmac module) over "v1:r-1:tiktok:1765000000:" + BODY. */
  private static final String KNOWN = "v1=5ae5d26eecae02a46d9f5d542936d51fe45b7b10920313d3c6405e114e2e49b5";

  @Test
  void matchesAnIndependentHmacAndChecksEveryPartOfWhatIsSigned() {
    assertEquals(KNOWN, PlatformSignature.sign(SECRET, "r-1", "tiktok", 1_765_000_000L, BODY));
    assertTrue(PlatformSignature.verify(SECRET, "r-1", "tiktok", 1_765_000_000L, BODY, KNOWN));
    assertTrue(PlatformSignature.verify(SECRET, "r-1", "tiktok", 1_765_000_000L, BODY, KNOWN.toUpperCase()
        .replace("V1=", "v1=")), "hex in either case");
    assertTrue(PlatformSignature.verify(SECRET, "r-1", "tiktok", 1_765_000_000L, BODY, "v1=00, " + KNOWN),
        "one of several (a relay changing secrets)");
    assertFalse(PlatformSignature.verify("another-secret-0123456", "r-1", "tiktok", 1_765_000_000L, BODY, KNOWN));
    assertFalse(PlatformSignature.verify(SECRET, "r-2", "tiktok", 1_765_000_000L, BODY, KNOWN), "another room");
    assertFalse(PlatformSignature.verify(SECRET, "r-1", "shop", 1_765_000_000L, BODY, KNOWN), "another destination");
    assertFalse(PlatformSignature.verify(SECRET, "r-1", "tiktok", 1_765_000_001L, BODY, KNOWN), "another time");
    assertFalse(PlatformSignature.verify(SECRET, "r-1", "tiktok", 1_765_000_000L,
        "{\"events\":[1]}".getBytes(StandardCharsets.UTF_8), KNOWN), "another body");
    for (String bad : new String[] {null, "", "v1=", "v1=zz", "sha256=" + KNOWN.substring(3), KNOWN.substring(0, 40)}) {
      assertFalse(PlatformSignature.verify(SECRET, "r-1", "tiktok", 1_765_000_000L, BODY, bad), "header " + bad);
    }
    assertFalse(PlatformSignature.verify(null, "r-1", "tiktok", 1_765_000_000L, BODY, KNOWN), "no secret");
  }

  @Test
  void newSecretsAreLongAndDistinct() {
    String a = PlatformSignature.newSecret();
    assertEquals(43, a.length());
    assertNotEquals(a, PlatformSignature.newSecret());
  }
}
