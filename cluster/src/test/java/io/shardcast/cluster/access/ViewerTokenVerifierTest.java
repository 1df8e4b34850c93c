package io.shardcast.cluster.access;

import static org.junit.jupiter.api.Assertions.*;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A viewer's token is accepted only as its platform signed it: the configured algorithms and keys,
 * a valid user id, not expired on the node's clock (moved by the test), for this audience and
 * issuer. Every forgery the field knows of is refused with a code the client can act on.
 */
class ViewerTokenVerifierTest {

  static final byte[] SECRET = "a-platform-secret-of-32-bytes-or-more!".getBytes(StandardCharsets.UTF_8);
  static final long NOW = 1_800_000_000_000L;
  static RSAKey rsa;
  static ECKey ec;
  @TempDir static Path dir;
  static Path jwks;
  final AtomicLong clock = new AtomicLong(NOW);

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("r1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
    jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(java.util.List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
  }

  ViewerTokenVerifier verifier(Set<String> algorithms) {
    return new ViewerTokenVerifier(new ViewerTokenSettings(algorithms, SECRET, jwks, null, "https://shop.example",
        "shardcast", Duration.ofSeconds(30), Duration.ofHours(24)), clock::get);
  }

  static JWTClaimsSet.Builder claims(String sub) {
    return new JWTClaimsSet.Builder().subject(sub).audience("shardcast").issuer("https://shop.example")
        .issueTime(new Date(NOW)).expirationTime(new Date(NOW + Duration.ofHours(1).toMillis()));
  }

  static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  static String hs(JWTClaimsSet claims) throws Exception {
    return sign(new MACSigner(SECRET), JWSAlgorithm.HS256, null, claims);
  }

  static String code(Verdict v) {
    return v instanceof Verdict.Refused r ? r.refusal().code() : "ACCEPTED";
  }

  @Test
  void aTokenSignedAsConfiguredNamesItsViewer() throws Exception {
    Verdict hs = verifier(Set.of("HS256")).verify(hs(claims("u-1").build()));
    assertEquals(new Identity.Viewer("u-1", NOW + Duration.ofHours(1).toMillis()),
        ((Verdict.Accepted) hs).identity());
    ViewerTokenVerifier keys = verifier(Set.of("RS256", "ES256"));
    assertEquals("ACCEPTED", code(keys.verify(sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "r1",
        claims("u-2").build()))));
    assertEquals("ACCEPTED", code(keys.verify(sign(new ECDSASigner(ec), JWSAlgorithm.ES256, "e1",
        claims("u-3").build()))));
  }

  @Test
  void timeIsTheNodesClockWithItsSkew() throws Exception {
    ViewerTokenVerifier v = verifier(Set.of("HS256"));
    String token = hs(claims("u-1").build());
    clock.set(NOW + Duration.ofHours(1).toMillis() + 20_000);
    assertEquals("ACCEPTED", code(v.verify(token)), "within the 30 s skew");
    clock.set(NOW + Duration.ofHours(1).toMillis() + 31_000);
    Verdict late = v.verify(token);
    assertEquals("TOKEN_EXPIRED", code(late));
    assertEquals(401, ((Verdict.Refused) late).refusal().status());
    clock.set(NOW);
    assertEquals("TOKEN_INVALID", code(v.verify(hs(claims("u-1").notBeforeTime(new Date(NOW + 120_000)).build()))),
        "not yet valid");
    assertEquals("TOKEN_INVALID", code(v.verify(hs(claims("u-1")
        .expirationTime(new Date(NOW + Duration.ofDays(2).toMillis())).build()))), "lives longer than 24 h");
  }

  @Test
  void forgeriesAreRefused() throws Exception {
    ViewerTokenVerifier hsOnly = verifier(Set.of("HS256"));
    // Another secret.
    assertEquals("TOKEN_INVALID", code(hsOnly.verify(sign(new MACSigner(
        "another-secret-of-thirty-two-bytes-at-least".getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, null,
        claims("u-1").build()))));
    // alg: none.
    assertEquals("TOKEN_INVALID", code(hsOnly.verify(new PlainJWT(claims("u-1").build()).serialize())));
    // An RS256 token where only HS256 is configured.
    assertEquals("TOKEN_INVALID", code(hsOnly.verify(sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "r1",
        claims("u-1").build()))));
    // HS256 keyed with the platform's public RSA key, sent to a node that accepts RS256 only.
    ViewerTokenVerifier rsOnly = verifier(Set.of("RS256"));
    byte[] publicKey = rsa.toPublicJWK().toRSAPublicKey().getEncoded();
    assertEquals("TOKEN_INVALID", code(rsOnly.verify(sign(new MACSigner(publicKey), JWSAlgorithm.HS256, "r1",
        claims("u-1").build()))));
    // A key id the platform never published.
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("x9").generate();
    assertEquals("TOKEN_INVALID", code(rsOnly.verify(sign(new RSASSASigner(stranger), JWSAlgorithm.RS256, "x9",
        claims("u-1").build()))));
    // A changed payload under a valid signature.
    String[] parts = hs(claims("u-1").build()).split("\\.");
    String otherUser = Base64.getUrlEncoder().withoutPadding().encodeToString(claims("u-2").build().toString()
        .getBytes(StandardCharsets.UTF_8));
    assertEquals("TOKEN_INVALID", code(hsOnly.verify(parts[0] + "." + otherUser + "." + parts[2])));
  }

  @Test
  void claimsAreChecked() throws Exception {
    ViewerTokenVerifier v = verifier(Set.of("HS256"));
    assertEquals("WRONG_AUDIENCE", code(v.verify(hs(claims("u-1").audience("another-service").build()))));
    assertEquals("TOKEN_INVALID", code(v.verify(hs(claims("u-1").issuer("https://elsewhere").build()))));
    assertEquals("TOKEN_INVALID", code(v.verify(hs(claims("u 1; drop").build()))), "sub is not a valid id");
    assertEquals("TOKEN_INVALID", code(v.verify(hs(claims("u-1").issueTime(null).build()))), "no iat");
    assertEquals("TOKEN_INVALID", code(v.verify(hs(claims(null).build()))), "no sub");
  }

  @Test
  void anythingElseIsRefusedWithoutAnException() {
    ViewerTokenVerifier v = verifier(Set.of("HS256"));
    assertEquals("TOKEN_MISSING", code(v.verify(null)));
    assertEquals("TOKEN_MISSING", code(v.verify("")));
    for (String junk : new String[] {"x", "a.b.c", "...", "eyJhbGciOiJIUzI1NiJ9..", "\u0000\uFFFF.é.€",
        "x".repeat(ViewerTokenSettings.MAX_TOKEN_BYTES + 1)}) {
      assertEquals("TOKEN_INVALID", code(v.verify(junk)), junk.length() > 40 ? "a long token" : junk);
    }
  }

  @Test
  void settingsThatCannotBeSafeAreRefusedAtStart() {
    IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class, () -> new ViewerTokenSettings(
        Set.of("HS256"), "short".getBytes(StandardCharsets.UTF_8), null, null, null, "shardcast",
        Duration.ZERO, Duration.ofHours(1)));
    assertTrue(shortSecret.getMessage().contains("SHARDCAST_VIEWER_TOKEN_SECRET"), shortSecret.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ViewerTokenSettings(Set.of("none"), SECRET, null, null,
        null, "shardcast", Duration.ZERO, Duration.ofHours(1)));
    assertThrows(IllegalArgumentException.class, () -> new ViewerTokenSettings(Set.of("RS256"), null, null, null,
        null, "shardcast", Duration.ZERO, Duration.ofHours(1)));
    ViewerTokenSettings fromConfig = ViewerTokenSettings.from(ConfigFactory.parseString(
        "shardcast.access.platform.secret = \"" + new String(SECRET, StandardCharsets.UTF_8) + "\"")
        .withFallback(ConfigFactory.defaultReference()).resolve());
    assertEquals(Set.of("HS256"), fromConfig.algorithms());
    assertEquals("shardcast", fromConfig.audience());
  }
}
