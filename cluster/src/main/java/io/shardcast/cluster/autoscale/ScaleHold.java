package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.signal.OperatorHold;
import io.shardcast.room.state.CborSerializable;

/**
 * An operator's {@code scale --active N}, as the cluster keeps it (in Distributed Data, so a
 * singleton that moves keeps it too). {@code active} 0 is no hold.
 *
 * @param setAtMillis when it was set; a later one replaces it
 */
public record ScaleHold(int active, long untilMillis, String by, long setAtMillis) implements CborSerializable {

  public static final ScaleHold NONE = new ScaleHold(0, 0, "", 0);

  public boolean inForce(long nowMillis) {
    return active > 0 && nowMillis < untilMillis;
  }

  /** What the policy sees: the hold, or null when none is in force. */
  OperatorHold forPolicy(long nowMillis) {
    return inForce(nowMillis) ? new OperatorHold(active, untilMillis, by) : null;
  }
}
