package io.shardcast.cluster.access;

import static org.junit.jupiter.api.Assertions.*;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shardcast.media.play.PlayGate;
import io.shardcast.wire.QueryString;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may watch media, as the cluster configures it: open, or signed URLs and platform viewer tokens. */
class PlayAccessTest {

  static final String VIEWER_SECRET = "a-platform-secret-of-32-bytes-or-more!";
  static final long NOW = 1_800_000_000_000L;

  static Config config(String text) {
    return ConfigFactory.parseString(text).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  static String code(PlayGate.Refused r) {
    return r == null ? "PLAYS" : r.status() + " " + r.code();
  }

  @Test
  void openPlaybackAsksNothing() {
    PlayAccess open = PlayAccess.from(config(""), Access.from(config(""), () -> NOW));
    assertFalse(open.signed());
    assertEquals("", open.query("r1", NOW));
    assertEquals("PLAYS", code(open.gate().check("r1", Map.of(), NOW)));
  }

  @Test
  void signedPlaybackTakesItsOwnUrlsAndAPlatformViewersToken() throws Exception {
    Config c = config("""
        shardcast.access.viewers = platform
        shardcast.access.platform.secret = "%s"
        shardcast.access.play { mode = signed, secret = "the-nodes-sign-playback-urls-with-this", ttl = 5m }
        """.formatted(VIEWER_SECRET));
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(NOW);
    PlayAccess play = PlayAccess.from(c, Access.from(c, clock::get));
    PlayGate gate = play.gate();
    assertEquals("PLAYS", code(gate.check("r1", QueryString.parse(play.query("r1", NOW)), NOW + 299_000)));
    assertEquals("403 PLAY_EXPIRED", code(gate.check("r1", QueryString.parse(play.query("r1", NOW)), NOW + 300_000)));
    assertEquals("401 PLAY_UNAUTHORIZED", code(gate.check("r1", Map.of(), NOW)));

    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
        new JWTClaimsSet.Builder().subject("u1").audience("shardcast").issueTime(new Date(NOW))
            .expirationTime(new Date(NOW + 60_000)).build());
    jwt.sign(new MACSigner(VIEWER_SECRET.getBytes(StandardCharsets.UTF_8)));
    assertEquals("PLAYS", code(gate.check("r1", Map.of("token", jwt.serialize()), NOW)));
    clock.set(NOW + 120_000); // the node's clock: past exp and the 30 s of skew, even for a token it verified before
    assertEquals("401 TOKEN_EXPIRED", code(gate.check("r1", Map.of("token", jwt.serialize()), clock.get())));
    assertEquals("401 TOKEN_INVALID", code(gate.check("r1", Map.of("token", "forged"), NOW)));
  }

  @Test
  void signedPlaybackWithoutASecretIsAnErrorAtStart() {
    Config c = config("shardcast.access.play.mode = signed");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PlayAccess.from(c, Access.from(c, () -> NOW)));
    assertTrue(e.getMessage().contains("SHARDCAST_PLAY_SECRET"), e.getMessage());
  }
}
