package io.shardcast.cluster.autoscale;

import io.shardcast.room.state.CborSerializable;

/** The autoscaler's answer to an operator's {@code scale}: the hold now in force, or why nothing changed. */
public sealed interface ScaleAnswer extends CborSerializable {

  /** The hold is kept by a majority of nodes; the policy works towards it from its next tick. */
  record Held(ScaleHold hold) implements ScaleAnswer {}

  /** Nothing changed, and why. */
  record Refused(Refusal reason, String message) implements ScaleAnswer {}

  /** Why; the name is the error code clients see. */
  enum Refusal { OUT_OF_RANGE, NOT_ACTING, NOT_REPLICATED }
}
