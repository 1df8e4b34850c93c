package io.shardcast.cluster.access;

/** What checking a credential found: who it is, or why not. */
public sealed interface Verdict {

  /** The credential names this identity. */
  record Accepted(Identity identity) implements Verdict {}

  /** The credential was refused, for this reason. */
  record Refused(Refusal refusal) implements Verdict {}
}
