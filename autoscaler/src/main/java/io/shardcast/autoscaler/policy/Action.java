package io.shardcast.autoscaler.policy;

/** One step towards the planned capacity, carried out by a {@code Scaler} backend. */
public sealed interface Action {

  /** Make a warm standby serve: it starts taking joins and rooms. */
  record Activate(String nodeId) implements Action {}

  /** Start this many new nodes; they join as standbys and refill the pool. */
  record Start(int count) implements Action {}

  /**
   * Stop joins on an active node, hint its viewers to another node, hand its shards off; then it
   * stands by (when the pool needs it) or leaves and exits.
   */
  record Drain(String nodeId, boolean thenStandby) implements Action {}

  /**
   * Hint {@code viewers} of a node's viewers to reconnect elsewhere (they resume by seq and lose
   * nothing): a node that took a burst of joins before new capacity served sheds what is over its
   * target onto the nodes that have room.
   */
  record Shed(String nodeId, int viewers) implements Action {}

  /** Stop a standby node that the pool no longer needs. */
  record Retire(String nodeId) implements Action {}
}
