package io.shardcast.cluster.autoscale;

import io.shardcast.room.state.CborSerializable;

/** The autoscaler's answer to an operator's node order (activate, drain, retire). */
public sealed interface NodeOrderAnswer extends CborSerializable {

  /** The order is under way; its progress shows in the autoscaler's state. */
  record Accepted(String node, String order) implements NodeOrderAnswer {}

  /** The order was not taken, and why; nothing changed. */
  record Refused(Refusal reason, String message) implements NodeOrderAnswer {}

  /** Why an order was refused; the name is the error code clients see. */
  enum Refusal { UNKNOWN_NODE, NOT_FOUND, NOT_STANDBY, NOT_ACTIVE, LAST_ACTIVE, UNDER_WAY }
}
