package io.shardcast.cluster.access;

import java.util.Set;

/** Who is asking, as verified: every action is bound to one, and to its scopes. */
public sealed interface Identity {

  /** Whether this identity holds {@code scope}. */
  boolean may(Scope scope);

  /** How logs and the audit name it: {@code viewer:u123}, {@code ops:alice}, {@code anonymous:u9}. */
  String name();

  /**
   * A viewer whose user id the request itself names, unverified: development only
   * ({@code shardcast.access.viewers = anonymous}).
   */
  record Anonymous(String userId) implements Identity {
    @Override
    public boolean may(Scope scope) {
      return scope == Scope.VIEWER;
    }

    @Override
    public String name() {
      return "anonymous:" + userId;
    }
  }

  /** A viewer whose user id a platform signed ({@code sub} of a verified token). */
  record Viewer(String userId, long expiresAtMillis) implements Identity {
    @Override
    public boolean may(Scope scope) {
      return scope == Scope.VIEWER;
    }

    @Override
    public String name() {
      return "viewer:" + userId;
    }
  }

  /** An operator (a person or a tool such as the Kubernetes operator) with the scopes its token was given. */
  record Operator(String operator, Set<Scope> scopes) implements Identity {
    public Operator {
      scopes = Set.copyOf(scopes);
    }

    @Override
    public boolean may(Scope scope) {
      return scopes.contains(scope);
    }

    @Override
    public String name() {
      return "ops:" + operator;
    }
  }
}
