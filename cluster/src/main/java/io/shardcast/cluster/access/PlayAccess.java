package io.shardcast.cluster.access;

import com.typesafe.config.Config;
import io.shardcast.media.play.PlayGate;
import io.shardcast.media.play.SignedPlayUrl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Who may watch media ({@code shardcast.access.play}): anyone ({@code open}), or players showing a
 * signed URL or, with platform viewers, a viewer token ({@code signed}). The nodes hand out signed
 * URLs in their answers ({@code /join}, room creation) valid for {@code ttl}.
 */
public final class PlayAccess {

  private final SignedPlayUrl signed;
  private final PlayGate gate;
  private final Duration ttl;

  private PlayAccess(SignedPlayUrl signed, PlayGate gate, Duration ttl) {
    this.signed = signed;
    this.gate = gate;
    this.ttl = ttl;
  }

  /** {@code shardcast.access.play}, checked; viewer tokens are checked by {@code access}. */
  public static PlayAccess from(Config root, Access access) {
    Config c = root.getConfig("shardcast.access.play");
    String mode = c.getString("mode").toLowerCase(Locale.ROOT);
    Duration ttl = c.getDuration("ttl");
    switch (mode) {
      case "open":
        return new PlayAccess(null, PlayGate.OPEN, ttl);
      case "signed":
        PlayGate viewerTokens = access.viewerMode() == Access.ViewerMode.PLATFORM ? (roomId, params, now) -> {
          Verdict v = access.viewer(params.get("token"), null);
          return v instanceof Verdict.Refused r
              ? new PlayGate.Refused(r.refusal().status(), r.refusal().code(), r.refusal().message()) : null;
        } : null;
        SignedPlayUrl urls = new SignedPlayUrl(c.getString("secret").getBytes(StandardCharsets.UTF_8), viewerTokens);
        return new PlayAccess(urls, urls, ttl);
      default:
        throw new IllegalArgumentException("shardcast.access.play.mode (SHARDCAST_PLAY_ACCESS) is open or signed, not "
            + mode);
    }
  }

  /** Who may watch, asked by the media server. */
  public PlayGate gate() {
    return gate;
  }

  /** Whether players need a signed URL or a token. */
  public boolean signed() {
    return signed != null;
  }

  /**
   * What to append to a media URL of {@code roomId} so it plays for {@code ttl} from
   * {@code nowMillis}: {@code exp=..&sig=..}, or empty when playback is open.
   */
  public String query(String roomId, long nowMillis) {
    return signed == null ? "" : signed.query(roomId, nowMillis + ttl.toMillis());
  }
}
