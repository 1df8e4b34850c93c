package io.shardcast.autoscaler.signal;

/**
 * An operator's {@code shardcast ops scale --active N}: at least {@code active} serving nodes until
 * {@code untilMillis}. The policy still adds what demand needs above it, and goes down towards it
 * by its own scale-in waves (never around a sale, in a panic or while demand grows), without waiting
 * for a whole scale-in window.
 *
 * @param by the operator who set it, for the timeline
 */
public record OperatorHold(int active, long untilMillis, String by) {

  public boolean inForce(long nowMillis) {
    return nowMillis < untilMillis;
  }
}
