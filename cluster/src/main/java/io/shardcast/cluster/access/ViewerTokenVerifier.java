package io.shardcast.cluster.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.shardcast.room.Ids;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Checks a viewer's token as its platform signed it (a JWT): the signature with one of the
 * configured algorithms only and the platform's key, then {@code sub} (the user id, which must be a
 * valid Shardcast id), {@code exp} and {@code iat} (required; {@code exp - iat} at most the maximum
 * lifetime), {@code aud} and, when configured, {@code iss}. The cryptography is nimbus-jose-jwt's.
 * Thread-safe; never throws for any input.
 */
public final class ViewerTokenVerifier {

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final ViewerTokenSettings settings;
  private final LongSupplier clockMillis;

  public ViewerTokenVerifier(ViewerTokenSettings settings, LongSupplier clockMillis) {
    this.settings = settings;
    this.clockMillis = clockMillis;
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
    processor.setJWSKeySelector(keySelector(settings));
    JWTClaimsSet exact = settings.issuer() == null ? new JWTClaimsSet.Builder().build()
        : new JWTClaimsSet.Builder().issuer(settings.issuer()).build();
    // The audience is checked after, to tell a token meant for another service from a bad one.
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(null,
        exact, Set.of("sub", "exp", "iat", "aud"), null) {
      @Override
      protected Date currentTime() {
        return new Date(ViewerTokenVerifier.this.clockMillis.getAsLong());
      }
    };
    claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
  }

  /** Each algorithm offered only the keys of its kind: HS256 the secret, RS256/ES256 the platform's public keys. */
  private static JWSKeySelector<SecurityContext> keySelector(ViewerTokenSettings s) {
    JWKSource<SecurityContext> publicKeys = null;
    if (s.jwksFile() != null) {
      try {
        publicKeys = new ImmutableJWKSet<>(JWKSet.load(s.jwksFile().toFile()).toPublicJWKSet());
      } catch (IOException | ParseException e) {
        throw new IllegalArgumentException("shardcast.access.platform.jwks-file " + s.jwksFile()
            + " is not a readable JWK set: " + e.getMessage(), e);
      }
    } else if (s.jwksUrl() != null) {
      try {
        publicKeys = JWKSourceBuilder.<SecurityContext>create(URI.create(s.jwksUrl()).toURL()).build();
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("shardcast.access.platform.jwks-url " + s.jwksUrl() + " is not a URL: "
            + e.getMessage(), e);
      }
    }
    JWKSource<SecurityContext> secret = s.secret() == null ? null : new ImmutableSecret<>(s.secret());
    JWKSource<SecurityContext> keys = publicKeys;
    List<JWSVerificationKeySelector<SecurityContext>> selectors = new java.util.ArrayList<>();
    if (s.algorithms().contains("HS256")) {
      selectors.add(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, secret));
    }
    Set<JWSAlgorithm> asymmetric = new HashSet<>();
    for (String a : s.algorithms()) {
      if (!a.equals("HS256")) {
        asymmetric.add(JWSAlgorithm.parse(a));
      }
    }
    if (!asymmetric.isEmpty()) {
      selectors.add(new JWSVerificationKeySelector<>(asymmetric, keys));
    }
    return (header, context) -> {
      for (JWSVerificationKeySelector<SecurityContext> sel : selectors) {
        if (sel.isAllowed(header.getAlgorithm())) {
          return sel.selectJWSKeys(header, context);
        }
      }
      return List.of(); // an algorithm not configured: no key, so no signature verifies
    };
  }

  /** Who {@code token} names, or why it is refused. */
  public Verdict verify(String token) {
    if (token == null || token.isEmpty()) {
      return new Verdict.Refused(Refusal.missing("watching or buying"));
    }
    if (token.length() > ViewerTokenSettings.MAX_TOKEN_BYTES) {
      return new Verdict.Refused(Refusal.invalid("longer than " + ViewerTokenSettings.MAX_TOKEN_BYTES + " bytes"));
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (BadJWTException e) {
      String m = String.valueOf(e.getMessage());
      if (m.startsWith("Expired JWT")) {
        return new Verdict.Refused(Refusal.expired());
      }
      return new Verdict.Refused(Refusal.invalid(m));
    } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
      return new Verdict.Refused(Refusal.invalid(String.valueOf(e.getMessage())));
    }
    if (!claims.getAudience().contains(settings.audience())) {
      return new Verdict.Refused(Refusal.wrongAudience());
    }
    String sub = claims.getSubject();
    if (!Ids.valid(sub)) {
      return new Verdict.Refused(Refusal.invalid("sub is not a valid user id"));
    }
    long exp = claims.getExpirationTime().getTime();
    long iat = claims.getIssueTime().getTime();
    if (exp - iat > settings.maxLifetime().toMillis()) {
      return new Verdict.Refused(Refusal.invalid("it lives longer than " + settings.maxLifetime().toHours()
          + " h (exp - iat)"));
    }
    return new Verdict.Accepted(new Identity.Viewer(sub, exp));
  }
}
