package io.shardcast.room.platform;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How platform chat traffic is signed, both ways: HMAC-SHA256 (the JDK's) with the destination's
 * chat secret over {@code "v1:" + roomId + ":" + destinationId + ":" + timestampSeconds + ":"}
 * followed by the body's bytes, sent as {@code Shardcast-Signature: v1=<lower-case hex>} beside
 * {@code Shardcast-Timestamp: <unix seconds>}. The room and destination are signed too, so a request
 * signed for one cannot be replayed at another.
 */
public final class PlatformSignature {

  public static final String TIMESTAMP_HEADER = "Shardcast-Timestamp";
  public static final String SIGNATURE_HEADER = "Shardcast-Signature";
  public static final String DESTINATION_HEADER = "Shardcast-Destination";
  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
  /** A request's timestamp may be this far from the receiver's clock, either way. */
  public static final long WINDOW_SECONDS = 300;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALGORITHM = "HmacSHA256";

  private PlatformSignature() {}

  /** A new chat secret: 32 random bytes, base64url without padding (43 characters). */
  public static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The signature header's value for {@code body}. */
  public static String sign(String secret, String roomId, String destinationId, long timestampSeconds, byte[] body) {
    return "v1=" + HexFormat.of().formatHex(mac(secret, roomId, destinationId, timestampSeconds, body));
  }

  /**
   * Whether {@code header} holds a valid signature of {@code body} (several, comma-separated, may be
   * given while a relay changes secrets). Compared in constant time.
   */
  public static boolean verify(String secret, String roomId, String destinationId, long timestampSeconds,
      byte[] body, String header) {
    if (secret == null || header == null) {
      return false;
    }
    byte[] expected = mac(secret, roomId, destinationId, timestampSeconds, body);
    boolean valid = false;
    for (String part : header.split(",", 8)) {
      String p = part.trim();
      if (!p.startsWith("v1=") || p.length() != 3 + expected.length * 2) {
        continue;
      }
      byte[] given;
      try {
        given = HexFormat.of().parseHex(p.substring(3).toLowerCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        continue;
      }
      valid |= MessageDigest.isEqual(expected, given);
    }
    return valid;
  }

  private static byte[] mac(String secret, String roomId, String destinationId, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      mac.update(("v1:" + roomId + ":" + destinationId + ":" + timestampSeconds + ":")
          .getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
