package io.shardcast.cluster.access;

/**
 * Why a request's credentials were not accepted, as the client is told: the HTTP status (401 when
 * it should authenticate, or again; 403 when who it is may not do this) and a stable error code.
 */
public record Refusal(int status, String code, String message) {

  public static Refusal missing(String what) {
    return new Refusal(401, "TOKEN_MISSING", what + " needs a bearer token");
  }

  public static Refusal invalid(String why) {
    return new Refusal(401, "TOKEN_INVALID", "the token is not valid: " + why);
  }

  public static Refusal expired() {
    return new Refusal(401, "TOKEN_EXPIRED", "the token has expired: get a new one");
  }

  public static Refusal wrongAudience() {
    return new Refusal(403, "WRONG_AUDIENCE", "the token was issued for another service");
  }

  public static Refusal insufficient(Scope needed) {
    return new Refusal(403, "INSUFFICIENT_SCOPE", "this needs the " + needed.label() + " scope");
  }

  public static Refusal userMismatch() {
    return new Refusal(403, "USER_MISMATCH", "the request names another user than its token");
  }
}
