package io.shardcast.cluster.gateway;

import io.shardcast.cluster.access.Access;
import io.shardcast.cluster.access.AuditLog;
import io.shardcast.cluster.access.Identity;
import io.shardcast.cluster.access.Scope;
import io.shardcast.cluster.access.Verdict;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The directives every HTTP route shares to find out who is asking: the bearer token, an
 * operator's scope check (refusals of actions audited), the client's address, and JSON answers.
 */
public final class AccessRoutes extends AllDirectives {

  private final Access access;

  public AccessRoutes(Access access) {
    this.access = access;
  }

  public Access access() {
    return access;
  }

  /** The request's bearer token ({@code Authorization: Bearer <token>}), if any. */
  public Route withBearer(Function<Optional<String>, Route> inner) {
    return optionalHeaderValueByName("Authorization", auth -> inner.apply(bearer(auth)));
  }

  /** The token of an {@code Authorization: Bearer <token>} header; empty when missing or blank. */
  static Optional<String> bearer(Optional<String> authorization) {
    return authorization.filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7)).map(a -> a.substring(7).trim())
        .filter(t -> !t.isEmpty());
  }

  /**
   * Runs {@code inner} for an operator holding {@code scope}; anyone else gets 401/403 with a code,
   * and when {@code action} names an action (not a read) the refusal is audited.
   */
  public Route authorized(Scope scope, String action, Function<Identity, Route> inner) {
    return withBearer(token -> {
      Verdict v = access.operator(token.orElse(null), scope);
      if (v instanceof Verdict.Refused r) {
        Route refused = complete(JsonReply.error(r.refusal().status(), r.refusal().code(), r.refusal().message()));
        return action == null ? refused : remote(ip -> {
          AuditLog.record("unverified", action, null, null, r.refusal().status(), r.refusal().code(), ip);
          return refused;
        });
      }
      return inner.apply(((Verdict.Accepted) v).identity());
    });
  }

  /** The client's address for the audit log, or null when unknown. */
  public Route remote(Function<String, Route> inner) {
    return extractClientIP(ip -> inner.apply(ip.getAddress().map(java.net.InetAddress::getHostAddress).orElse(null)));
  }

  /** Completes with {@code reply}'s status and JSON body. */
  public Route complete(JsonReply reply) {
    return complete(HttpResponse.create().withStatus(reply.status())
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, reply.body())));
  }
}
