package io.shardcast.cluster.access;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * How a platform signs its viewers' tokens ({@code shardcast.access.platform}).
 *
 * @param algorithms the only JWS algorithms accepted ({@code HS256}, {@code RS256}, {@code ES256});
 *     anything else, {@code none} included, is refused
 * @param secret the shared key for HS256, at least 32 bytes; null without HS256
 * @param jwksFile the platform's public keys (a JWK set) for RS256/ES256, or null
 * @param jwksUrl where the platform publishes them, fetched and cached, or null
 * @param issuer the {@code iss} every token must carry, or null to accept any
 * @param audience the {@code aud} every token must name
 * @param clockSkew how far the platform's clock may be off
 * @param maxLifetime the longest {@code exp - iat} accepted
 */
public record ViewerTokenSettings(Set<String> algorithms, byte[] secret, Path jwksFile, String jwksUrl,
    String issuer, String audience, Duration clockSkew, Duration maxLifetime) {

  /** The longest token accepted, in bytes: a header, claims and a signature fit well within it. */
  public static final int MAX_TOKEN_BYTES = 4096;
  /** HS256 wants a key at least as long as its output. */
  static final int MIN_SECRET_BYTES = 32;

  /** {@code shardcast.access.platform}, checked; an error names the setting to fix. */
  public static ViewerTokenSettings from(Config root) {
    Config c = root.getConfig("shardcast.access.platform");
    String secret = c.getString("secret");
    String file = c.getString("jwks-file");
    String url = c.getString("jwks-url");
    String issuer = c.getString("issuer");
    return new ViewerTokenSettings(Set.copyOf(c.getStringList("algorithms")),
        secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8), file.isEmpty() ? null : Path.of(file),
        url.isEmpty() ? null : url, issuer.isEmpty() ? null : issuer, c.getString("audience"),
        c.getDuration("clock-skew"), c.getDuration("max-lifetime"));
  }

  public ViewerTokenSettings {
    algorithms = Set.copyOf(algorithms);
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("shardcast.access.platform.algorithms must name at least one of "
          + "HS256, RS256, ES256");
    }
    for (String a : algorithms) {
      if (!Set.of("HS256", "RS256", "ES256").contains(a)) {
        throw new IllegalArgumentException("shardcast.access.platform.algorithms: " + a
            + " is not accepted; use HS256, RS256 or ES256");
      }
    }
    if (algorithms.contains("HS256") && (secret == null || secret.length < MIN_SECRET_BYTES)) {
      throw new IllegalArgumentException("HS256 viewer tokens need shardcast.access.platform.secret "
          + "(SHARDCAST_VIEWER_TOKEN_SECRET) of at least " + MIN_SECRET_BYTES + " bytes");
    }
    if ((algorithms.contains("RS256") || algorithms.contains("ES256")) && jwksFile == null && jwksUrl == null) {
      throw new IllegalArgumentException("RS256/ES256 viewer tokens need shardcast.access.platform.jwks-file "
          + "or jwks-url (the platform's public keys)");
    }
    if (audience == null || audience.isBlank()) {
      throw new IllegalArgumentException("shardcast.access.platform.audience must not be empty");
    }
    if (clockSkew.isNegative() || maxLifetime.isNegative() || maxLifetime.isZero()) {
      throw new IllegalArgumentException("shardcast.access.platform clock-skew must be >= 0 and max-lifetime > 0");
    }
  }
}
