package io.shardcast.cluster.autoscale;

import java.util.HashMap;
import java.util.Map;

/**
 * Rooms an operator asked to move ({@code shardcast ops room ID move --to NODE}), by shard: the room
 * allocation moves each shard to its node at its next round, then keeps it there (no move for load
 * takes it away) for {@link #PIN_MILLIS}. A node that stops being active loses its pins: its rooms
 * leave as any non-active node's do.
 */
final class RequestedMoves {

  /** How long a moved room stays where the operator put it before the balancer may move it for load. */
  static final long PIN_MILLIS = 10 * 60_000;

  private record Pin(String node, long untilMillis) {}

  private final Map<String, Pin> byShard = new HashMap<>();

  void request(String shard, String node, long now) {
    byShard.put(shard, new Pin(node, now + PIN_MILLIS));
  }

  /** The moves still pinned at {@code now}: shard to node. */
  Map<String, String> pinned(long now) {
    byShard.values().removeIf(p -> p.untilMillis() <= now);
    Map<String, String> out = new HashMap<>();
    byShard.forEach((shard, p) -> out.put(shard, p.node()));
    return out;
  }
}
