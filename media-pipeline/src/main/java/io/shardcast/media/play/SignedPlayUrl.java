package io.shardcast.media.play;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Expiring playback URLs: {@code ?exp=<epoch seconds>&sig=<base64url HMAC-SHA256 of
 * "<roomId>:<exp>" with the cluster's play secret>}. A platform that holds the secret signs its
 * own; a node signs those it hands out ({@code /join}, room creation). The MAC is the JDK's
 * ({@link Mac}); signatures are compared in constant time.
 */
public final class SignedPlayUrl implements PlayGate {

  private static final String ALGORITHM = "HmacSHA256";
  /** A signature is 32 bytes, 43 characters of base64url without padding. */
  private static final int SIG_CHARS = 43;

  private final SecretKeySpec key;
  private final PlayGate alsoAccepted;

  /**
   * @param secret the cluster's play secret, at least 32 bytes
   * @param alsoAccepted another credential a player may show instead (a viewer token), or null
   */
  public SignedPlayUrl(byte[] secret, PlayGate alsoAccepted) {
    if (secret == null || secret.length < 32) {
      throw new IllegalArgumentException("the play secret (shardcast.access.play.secret, SHARDCAST_PLAY_SECRET) "
          + "must be at least 32 bytes");
    }
    this.key = new SecretKeySpec(secret, ALGORITHM);
    this.alsoAccepted = alsoAccepted;
  }

  /** The query string ({@code exp=..&sig=..}) that lets a player watch {@code roomId} until {@code expiresAtMillis}. */
  public String query(String roomId, long expiresAtMillis) {
    long exp = Math.floorDiv(expiresAtMillis, 1000);
    return "exp=" + exp + "&sig=" + sign(roomId, exp);
  }

  @Override
  public Refused check(String roomId, Map<String, String> params, long nowMillis) {
    String sig = params.get("sig");
    String expText = params.get("exp");
    if (sig == null && expText == null) {
      if (alsoAccepted != null && params.containsKey("token")) {
        return alsoAccepted.check(roomId, params, nowMillis);
      }
      return new Refused(401, "PLAY_UNAUTHORIZED", "playback needs a signed URL (exp and sig) or a viewer token "
          + "(token); ask GET /api/rooms/" + roomId + "/join for one");
    }
    long exp;
    try {
      exp = Long.parseLong(expText == null ? "" : expText);
    } catch (NumberFormatException e) {
      return new Refused(401, "PLAY_UNAUTHORIZED", "exp must be epoch seconds");
    }
    if (sig == null || sig.length() != SIG_CHARS
        || !MessageDigest.isEqual(sign(roomId, exp).getBytes(StandardCharsets.US_ASCII),
            sig.getBytes(StandardCharsets.US_ASCII))) {
      return new Refused(401, "PLAY_UNAUTHORIZED", "the playback URL's signature does not match");
    }
    if (Math.floorDiv(nowMillis, 1000) >= exp) {
      return new Refused(403, "PLAY_EXPIRED", "the playback URL has expired; ask GET /api/rooms/" + roomId
          + "/join for a new one");
    }
    return null;
  }

  private String sign(String roomId, long exp) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      byte[] out = mac.doFinal((roomId + ":" + exp).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every Java has HmacSHA256", e);
    }
  }
}
