package io.shardcast.cluster.autoscale;

/**
 * How a drain shares its reconnect hints out over its spread: one share when the drain starts and
 * one at each check, shares k = 1..n together reaching ceil(viewers * k / n), so the viewers come
 * back at an even pace however few they are; at the end of the spread, whoever is left (a viewer
 * that attached meanwhile, or one not reached) is hinted at once. A spread shorter than one check
 * hints everyone at the start. Used by one actor: not thread-safe.
 */
final class HintSchedule {

  /** Everyone still connected. */
  static final int ALL = Integer.MAX_VALUE;

  private final int viewers;
  private final long shares;
  private final long endMillis;
  private long sharesSent;
  private long hinted;
  private boolean done;

  HintSchedule(int viewers, long spreadMillis, long checkMillis, long startMillis) {
    this.viewers = viewers;
    this.shares = spreadMillis / checkMillis + 1;
    this.endMillis = startMillis + spreadMillis;
  }

  /** Whether the hints are spread at all (false: {@link #start()} hints everyone). */
  boolean spread() {
    return shares > 1;
  }

  /** How many viewers to hint as the drain starts. */
  int start() {
    if (!spread()) {
      done = true;
      return ALL;
    }
    return share();
  }

  /** How many viewers to hint at a check at {@code nowMillis}: 0 once the spread is over. */
  int check(long nowMillis) {
    if (done) {
      return 0;
    }
    if (nowMillis >= endMillis) {
      done = true;
      return ALL;
    }
    return share();
  }

  private int share() {
    sharesSent = Math.min(shares, sharesSent + 1);
    long due = (viewers * sharesSent + shares - 1) / shares;
    int share = (int) Math.max(0, due - hinted);
    hinted = due;
    return share;
  }
}
