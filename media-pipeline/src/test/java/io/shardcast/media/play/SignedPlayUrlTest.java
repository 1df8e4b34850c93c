package io.shardcast.media.play;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A signed playback URL plays its room until it expires, and nothing else does. */
class SignedPlayUrlTest {

  static final byte[] SECRET = "the-clusters-play-secret-32-bytes-or-more".getBytes(StandardCharsets.UTF_8);
  static final long NOW = 1_800_000_000_000L;
  final SignedPlayUrl urls = new SignedPlayUrl(SECRET, null);

  static Map<String, String> params(String query) {
    Map<String, String> m = new HashMap<>();
    for (String kv : query.split("&")) {
      int eq = kv.indexOf('=');
      m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return m;
  }

  static String code(PlayGate.Refused r) {
    return r == null ? "PLAYS" : r.status() + " " + r.code();
  }

  @Test
  void aUrlSignedForARoomPlaysItUntilItExpires() {
    Map<String, String> p = params(urls.query("r1", NOW + 600_000));
    assertEquals("PLAYS", code(urls.check("r1", p, NOW)));
    assertEquals("PLAYS", code(urls.check("r1", p, NOW + 599_000)));
    assertEquals("403 PLAY_EXPIRED", code(urls.check("r1", p, NOW + 600_000)));
  }

  @Test
  void anythingElseIsRefused() {
    Map<String, String> p = params(urls.query("r1", NOW + 600_000));
    assertEquals("401 PLAY_UNAUTHORIZED", code(urls.check("r2", p, NOW)), "another room");
    Map<String, String> later = new HashMap<>(p);
    later.put("exp", String.valueOf(Long.parseLong(p.get("exp")) + 3600));
    assertEquals("401 PLAY_UNAUTHORIZED", code(urls.check("r1", later, NOW)), "a longer life than signed");
    Map<String, String> tampered = new HashMap<>(p);
    char last = p.get("sig").charAt(42);
    tampered.put("sig", p.get("sig").substring(0, 42) + (last == 'A' ? 'B' : 'A'));
    assertEquals("401 PLAY_UNAUTHORIZED", code(urls.check("r1", tampered, NOW)));
    assertEquals("401 PLAY_UNAUTHORIZED", code(urls.check("r1", Map.of(), NOW)), "unsigned");
    assertEquals("401 PLAY_UNAUTHORIZED", code(urls.check("r1", Map.of("exp", "soon", "sig", "x"), NOW)));
    assertEquals("401 PLAY_UNAUTHORIZED", code(urls.check("r1", Map.of("sig", p.get("sig")), NOW)));
    SignedPlayUrl otherCluster = new SignedPlayUrl("another-clusters-secret-of-32-bytes-long".getBytes(
        StandardCharsets.UTF_8), null);
    assertEquals("401 PLAY_UNAUTHORIZED", code(otherCluster.check("r1", p, NOW)));
  }

  @Test
  void aViewerTokenIsAskedOfTheGateThatKnowsTokens() {
    SignedPlayUrl withTokens = new SignedPlayUrl(SECRET,
        (room, p, now) -> p.get("token").equals("good") ? null : new PlayGate.Refused(401, "TOKEN_INVALID", "no"));
    assertEquals("PLAYS", code(withTokens.check("r1", Map.of("token", "good"), NOW)));
    assertEquals("401 TOKEN_INVALID", code(withTokens.check("r1", Map.of("token", "bad"), NOW)));
    assertEquals("401 PLAY_UNAUTHORIZED", code(urls.check("r1", Map.of("token", "good"), NOW)),
        "without viewer tokens, a token is no signature");
  }

  @Test
  void aShortSecretIsAnErrorAtStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SignedPlayUrl("short".getBytes(StandardCharsets.UTF_8), null));
    assertTrue(e.getMessage().contains("SHARDCAST_PLAY_SECRET"));
  }
}
