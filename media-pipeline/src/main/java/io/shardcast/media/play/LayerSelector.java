package io.shardcast.media.play;

import io.shardcast.media.MediaRoom;
import io.shardcast.media.Track;

/**
 * Chooses a viewer's layer from its measured throughput: when the viewer's backlog (how far the
 * newest frame it was sent lags the newest frame of its layer) grows past what its throughput can
 * absorb, it moves down a layer; after a quiet hold with no backlog it tries the next layer up.
 * The hold doubles after an upgrade that did not hold (hysteresis), so a viewer on a link between
 * two layers settles on the lower one instead of flapping.
 */
public final class LayerSelector {

  /** Backlog past which the viewer is falling behind its layer. */
  private final long downBacklogMillis;
  /** Backlog below which the viewer is keeping up. */
  private final long calmBacklogMillis;
  private final long minHoldMillis;
  private final long maxHoldMillis;
  /** An upgrade followed by a downgrade within this time failed: the next hold doubles. */
  private final long failedUpgradeMillis;

  private double maxBytesPerSecond = Double.MAX_VALUE;
  private long holdMillis;
  private long lastChangeMillis;
  private long lastBusyMillis;
  private boolean lastWasUp;

  public LayerSelector(long downBacklogMillis, long calmBacklogMillis, long minHoldMillis, long maxHoldMillis) {
    this.downBacklogMillis = downBacklogMillis;
    this.calmBacklogMillis = calmBacklogMillis;
    this.minHoldMillis = minHoldMillis;
    this.maxHoldMillis = maxHoldMillis;
    this.failedUpgradeMillis = 3 * minHoldMillis;
    this.holdMillis = minHoldMillis;
  }

  /** Highest layer rate (bytes/s) the viewer should get now. */
  public double maxBytesPerSecond() {
    return maxBytesPerSecond;
  }

  /**
   * Looks at the viewer's backlog on {@code current}; returns true when the choice changed (the
   * viewer then moves at the next keyframe of the chosen layer).
   */
  public boolean observe(MediaRoom room, Track current, long backlogMillis, long nowMillis) {
    if (lastChangeMillis == 0) {
      lastChangeMillis = nowMillis;
      lastBusyMillis = nowMillis;
    }
    if (backlogMillis > calmBacklogMillis) {
      lastBusyMillis = nowMillis;
    }
    if (backlogMillis > downBacklogMillis) {
      return down(room, current, nowMillis);
    }
    if (nowMillis - lastBusyMillis >= holdMillis && nowMillis - lastChangeMillis >= holdMillis) {
      Track up = room.higher(current);
      if (up != null && up.bytesPerSecond() > 0) {
        maxBytesPerSecond = up.bytesPerSecond() * 1.05;
        lastChangeMillis = nowMillis;
        lastWasUp = true;
        return true;
      }
    }
    return false;
  }

  /**
   * A WebRTC viewer's bandwidth estimate ({@code bytesPerSecond}, from its receiver's REMB): the
   * layers it may get are those under 85% of it. Down at once when the estimate drops below the
   * current layer's rate; up only after the hold, and the hold doubles after an upgrade that did not
   * hold (as with the backlog). Returns true when the choice changed (the viewer then moves at the
   * next keyframe of the chosen layer).
   */
  public boolean estimate(MediaRoom room, Track current, double bytesPerSecond, long nowMillis) {
    if (lastChangeMillis == 0) {
      lastChangeMillis = nowMillis;
      lastBusyMillis = nowMillis;
    }
    double usable = bytesPerSecond * 0.85;
    if (current.bytesPerSecond() > usable) {
      lastBusyMillis = nowMillis;
      Track lower = room.lower(current);
      if (lower == null || nowMillis - lastChangeMillis < minHoldMillis / 4 && !lastWasUp) {
        return false;
      }
      if (lastWasUp && nowMillis - lastChangeMillis < failedUpgradeMillis) {
        holdMillis = Math.min(maxHoldMillis, holdMillis * 2);
      }
      maxBytesPerSecond = usable;
      lastChangeMillis = nowMillis;
      lastWasUp = false;
      return true;
    }
    Track up = room.higher(current);
    if (up != null && up.bytesPerSecond() > 0 && up.bytesPerSecond() <= usable
        && nowMillis - lastBusyMillis >= holdMillis && nowMillis - lastChangeMillis >= holdMillis) {
      maxBytesPerSecond = usable;
      lastChangeMillis = nowMillis;
      lastWasUp = true;
      return true;
    }
    return false;
  }

  /** The viewer fell so far behind that video was dropped. */
  public boolean lagged(MediaRoom room, Track current, long nowMillis) {
    lastBusyMillis = nowMillis;
    return down(room, current, nowMillis);
  }

  private boolean down(MediaRoom room, Track current, long nowMillis) {
    if (nowMillis - lastChangeMillis < minHoldMillis / 4 && !lastWasUp) {
      return false; // the last step down has not taken effect yet
    }
    Track lower = room.lower(current);
    if (lower == null) {
      return false;
    }
    if (lastWasUp && nowMillis - lastChangeMillis < failedUpgradeMillis) {
      holdMillis = Math.min(maxHoldMillis, holdMillis * 2);
    }
    maxBytesPerSecond = (lower.bytesPerSecond() + current.bytesPerSecond()) / 2;
    lastChangeMillis = nowMillis;
    lastWasUp = false;
    return true;
  }
}
