package io.shardcast.cluster.access;

import com.typesafe.config.Config;
import io.shardcast.room.Ids;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may do what on this node ({@code shardcast.access}): viewers (anonymous in development, or
 * the {@code sub} of a token their platform signed), operators (bearer tokens with scopes) and the
 * per-user limits. Every listener asks it the same questions, so a viewer is the same person on
 * the REST gateway, the viewer port and the media port. Thread-safe; never throws for any input.
 */
public final class Access {

  private static final Logger log = LoggerFactory.getLogger(Access.class);
  /** Verified viewer tokens kept per node. */
  private static final int VERIFIED_TOKENS = 65_536;

  /** How a viewer is known. */
  public enum ViewerMode {
    /** Whoever the request says: development only. */
    ANONYMOUS,
    /** The {@code sub} of a token the platform signed. */
    PLATFORM
  }

  private final ViewerMode mode;
  private final ViewerTokenVerifier verifier;
  private final VerifiedTokens verified;
  private final OperatorTokens operators;
  private final LongSupplier clockMillis;
  private final UserLimits commerce;
  private final UserLimits comments;

  Access(ViewerMode mode, ViewerTokenVerifier verifier, long clockSkewMillis, OperatorTokens operators,
      LongSupplier clockMillis, UserLimits commerce, UserLimits comments) {
    this.mode = mode;
    this.verifier = verifier;
    this.verified = new VerifiedTokens(VERIFIED_TOKENS, clockSkewMillis);
    this.operators = operators;
    this.clockMillis = clockMillis;
    this.commerce = commerce;
    this.comments = comments;
  }

  /** {@code shardcast.access} (and {@code shardcast.ops.token}), checked; an error names the setting to fix. */
  public static Access from(Config root, LongSupplier clockMillis) {
    String viewers = root.getString("shardcast.access.viewers").toLowerCase(Locale.ROOT);
    ViewerMode mode = switch (viewers) {
      case "anonymous" -> ViewerMode.ANONYMOUS;
      case "platform" -> ViewerMode.PLATFORM;
      default -> throw new IllegalArgumentException("shardcast.access.viewers (SHARDCAST_VIEWERS) is anonymous or "
          + "platform, not " + viewers);
    };
    ViewerTokenVerifier verifier = null;
    long skew = 0;
    if (mode == ViewerMode.PLATFORM) {
      ViewerTokenSettings platform = ViewerTokenSettings.from(root);
      verifier = new ViewerTokenVerifier(platform, clockMillis);
      skew = platform.clockSkew().toMillis();
    }
    Config limits = root.getConfig("shardcast.access.limits");
    int users = limits.getInt("users-tracked");
    return new Access(mode, verifier, skew, OperatorTokens.from(root), clockMillis,
        new UserLimits(limits.getDouble("orders-per-user-per-second"), limits.getDouble("order-burst-per-user"), users),
        new UserLimits(limits.getDouble("comments-per-user-per-second"), limits.getDouble("comment-burst-per-user"),
            users));
  }

  public ViewerMode viewerMode() {
    return mode;
  }

  /** Says, once at start, how viewers are known: a warning when anyone may name any user. */
  public void logMode() {
    if (mode == ViewerMode.ANONYMOUS) {
      log.warn("viewer identity: ANONYMOUS. Orders, claims and comments name their userId themselves and nobody "
          + "checks it: development only. Set shardcast.access.viewers = platform (SHARDCAST_VIEWERS) for a "
          + "platform-signed viewer token (docs/security.md).");
    } else {
      log.info("viewer identity: platform-signed tokens (shardcast.access.platform)");
    }
    if (!operators.any()) {
      log.info("no operator token is configured: the ops endpoints are closed (shardcast.access.operators, "
          + "SHARDCAST_OPS_TOKEN)");
    }
  }

  /**
   * The viewer behind a request: with platform tokens, the token's user ({@code claimedUserId}, the
   * user the request names, if any, must be the same); anonymous, the user the request names.
   *
   * @param bearer the request's token, or null
   * @param claimedUserId the user id the request names (already checked to be a valid id), or null
   */
  public Verdict viewer(String bearer, String claimedUserId) {
    if (mode == ViewerMode.ANONYMOUS) {
      return claimedUserId == null || !Ids.valid(claimedUserId)
          ? new Verdict.Refused(new Refusal(400, "BAD_USER", "a userId is required (user= on a viewer socket): "
              + "1..64 of [A-Za-z0-9_-]"))
          : new Verdict.Accepted(new Identity.Anonymous(claimedUserId));
    }
    if (bearer == null || bearer.isEmpty()) {
      return new Verdict.Refused(Refusal.missing("a viewer action"));
    }
    long now = clockMillis.getAsLong();
    Identity.Viewer viewer = verified.get(bearer, now);
    if (viewer == null) {
      Verdict v = verifier.verify(bearer);
      if (!(v instanceof Verdict.Accepted a)) {
        return v;
      }
      viewer = (Identity.Viewer) a.identity();
      verified.put(bearer, viewer);
    }
    if (claimedUserId != null && !claimedUserId.equals(viewer.userId())) {
      return new Verdict.Refused(Refusal.userMismatch());
    }
    return new Verdict.Accepted(viewer);
  }

  /**
   * Who may watch a room's events: a viewer as {@link #viewer}, or an operator with
   * {@code ops:read} (a read-only observer, as {@code shardcast ops events} is).
   */
  public Verdict watcher(String bearer, String claimedUserId) {
    if (bearer != null && !bearer.isEmpty() && operators.any()
        && operators.check(bearer) instanceof Verdict.Accepted a && a.identity().may(Scope.OPS_READ)) {
      return a;
    }
    return viewer(bearer, claimedUserId);
  }

  /** The operator behind {@code bearer} if it holds {@code scope}; with no operator configured, 403 {@code OPS_DISABLED}. */
  public Verdict operator(String bearer, Scope scope) {
    if (!operators.any()) {
      return new Verdict.Refused(new Refusal(403, "OPS_DISABLED", "ops endpoints are off: configure an operator "
          + "(shardcast.access.operators, or SHARDCAST_OPS_TOKEN)"));
    }
    Verdict v = operators.check(bearer);
    if (v instanceof Verdict.Accepted a && !a.identity().may(scope)) {
      return new Verdict.Refused(Refusal.insufficient(scope));
    }
    return v;
  }

  /** Whether {@code userId} may place an order or claim a coupon now (its per-user budget on this node). */
  public boolean mayBuy(String userId, long nowNanos) {
    return commerce.tryTake(userId, nowNanos);
  }

  /** Whether {@code userId} may comment now, across all its sockets on this node. */
  public boolean mayComment(String userId, long nowNanos) {
    return comments.tryTake(userId, nowNanos);
  }

  /** The user id an identity acts as in a room (an operator observer's is {@code ops-<name>}). */
  public static String userIdOf(Identity identity) {
    if (identity instanceof Identity.Anonymous a) {
      return a.userId();
    }
    if (identity instanceof Identity.Viewer v) {
      return v.userId();
    }
    return observerId(((Identity.Operator) identity).operator());
  }

  private static String observerId(String operator) {
    StringBuilder b = new StringBuilder("ops-");
    for (int i = 0; i < operator.length() && b.length() < 64; i++) {
      char c = operator.charAt(i);
      b.append(Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' ? c : '_');
    }
    return b.toString();
  }
}
