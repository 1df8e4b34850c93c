package io.shardcast.cluster.autoscale;

import io.shardcast.room.state.CborSerializable;

/** The autoscaler's answer to an operator's room move. */
public sealed interface MoveAnswer extends CborSerializable {

  /**
   * The room's shard will move to {@code node} at the coordinator's next rebalance round (every
   * {@code pekko.cluster.sharding.rebalance-interval}); the rooms sharing its shard move with it.
   */
  record Accepted(String roomId, String shard, String node) implements MoveAnswer {}

  /** Nothing changed, and why. */
  record Refused(Refusal reason, String message) implements MoveAnswer {}

  /** Why; the name is the error code clients see. */
  enum Refusal { UNKNOWN_NODE, NOT_ACTIVE, COORDINATOR_NODE, SALE_NEAR }
}
