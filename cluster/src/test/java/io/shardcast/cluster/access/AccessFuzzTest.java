package io.shardcast.cluster.access;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/**
 * Fuzzing of what reads a client's credentials: no bytes may make the token verifier throw, and
 * none signed without the platform's key may pass. Regression mode in the test command; {@code
 * JAZZER_FUZZ=1} fuzzes.
 */
class AccessFuzzTest {

  private static final ViewerTokenVerifier VERIFIER = new ViewerTokenVerifier(new ViewerTokenSettings(
      Set.of("HS256"), "a-platform-secret-of-32-bytes-or-more!".getBytes(StandardCharsets.UTF_8), null, null, null,
      "shardcast", Duration.ofSeconds(30), Duration.ofHours(24)), () -> 1_800_000_000_000L);

  @FuzzTest(maxDuration = "30s")
  void viewerTokens(byte[] data) {
    check(new String(data, StandardCharsets.UTF_8));
    // The same bytes as a JWT's three parts, so the parser gets past the first dot.
    int a = data.length / 3;
    int b = 2 * data.length / 3;
    Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
    check("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + e.encodeToString(java.util.Arrays.copyOfRange(data, 0, a)) + "."
        + e.encodeToString(java.util.Arrays.copyOfRange(data, a, b)));
  }

  private static void check(String token) {
    if (VERIFIER.verify(token) instanceof Verdict.Accepted accepted) {
      throw new AssertionError("a token nobody signed was accepted: " + accepted);
    }
  }
}
