package io.shardcast.cluster.access;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The operators' bearer tokens, each with a name and scopes, kept as SHA-256 digests only
 * ({@code shardcast.access.operators}; {@code shardcast ops config hash-token} prints a digest).
 * The single {@code shardcast.ops.token} of earlier releases still works, as the operator
 * {@code ops} with both ops scopes.
 */
public final class OperatorTokens {

  /** One operator: its name, its token's digest and its scopes. */
  record Entry(String name, byte[] sha256, Set<Scope> scopes) {}

  private final List<Entry> entries;

  OperatorTokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** From {@code shardcast.access.operators} and {@code shardcast.ops.token}; a bad entry is an error naming it. */
  public static OperatorTokens from(Config root) {
    List<Entry> entries = new ArrayList<>();
    int i = 0;
    for (Config c : root.getConfigList("shardcast.access.operators")) {
      String where = "shardcast.access.operators[" + i++ + "]";
      String name = c.hasPath("name") ? c.getString("name") : "";
      if (name.isBlank()) {
        throw new IllegalArgumentException(where + " needs a name");
      }
      byte[] digest;
      try {
        digest = HexFormat.of().parseHex(c.getString("sha256"));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(where + " (" + name + ") needs sha256, the hex SHA-256 of its token "
            + "(shardcast ops config hash-token)", e);
      }
      if (digest.length != 32) {
        throw new IllegalArgumentException(where + " (" + name + "): sha256 must be 64 hex digits");
      }
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      for (String s : c.getStringList("scopes")) {
        scopes.add(Scope.of(s));
      }
      entries.add(new Entry(name, digest, scopes));
    }
    String legacy = root.getString("shardcast.ops.token");
    if (!legacy.isEmpty()) {
      entries.add(new Entry("ops", sha256(legacy), EnumSet.of(Scope.OPS_READ, Scope.OPS_WRITE)));
    }
    return new OperatorTokens(entries);
  }

  /** Whether any operator is configured (without one, every ops endpoint is closed). */
  public boolean any() {
    return !entries.isEmpty();
  }

  /** The operator {@code bearer} belongs to, or why not. */
  public Verdict check(String bearer) {
    if (bearer == null || bearer.isEmpty()) {
      return new Verdict.Refused(Refusal.missing("this ops endpoint"));
    }
    byte[] digest = sha256(bearer);
    Entry found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(digest, e.sha256()) && found == null) {
        found = e; // every entry is compared, so the time taken does not tell which matched
      }
    }
    return found == null ? new Verdict.Refused(Refusal.invalid("no operator has this token"))
        : new Verdict.Accepted(new Identity.Operator(found.name(), found.scopes()));
  }

  /** The hex SHA-256 of {@code token}, as {@code shardcast.access.operators} keeps it. */
  public static String hash(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
