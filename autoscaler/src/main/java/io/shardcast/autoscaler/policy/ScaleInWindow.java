package io.shardcast.autoscaler.policy;

import java.util.ArrayDeque;

/**
 * When capacity may go, and down to what: only once the need stayed lower for a whole
 * {@code scale-in.window}, one wave per {@code scale-in.step}, and never around a sale, in a panic,
 * while demand grows or while a drain is under way. Until then, what serves or is on its way stays.
 */
final class ScaleInWindow {

  private final long windowMillis;
  private final long stepMillis;
  /** Needs without sale capacity: {time, active, provision}, over the window. */
  private final ArrayDeque<long[]> needs = new ArrayDeque<>();
  private long firstTickMillis = Long.MIN_VALUE;
  private long lastScaleInMillis = Long.MIN_VALUE;

  ScaleInWindow(AutoscalerSettings settings) {
    this.windowMillis = settings.scaleInWindow().toMillis();
    this.stepMillis = settings.scaleInStep().toMillis();
  }

  /** Records this tick's need and returns the largest need over the window, this tick's included. */
  Capacity held(long now, Capacity need) {
    if (firstTickMillis == Long.MIN_VALUE) {
      firstTickMillis = now;
    }
    needs.addLast(new long[] {now, need.active(), need.provision()});
    while (!needs.isEmpty() && needs.peekFirst()[0] < now - windowMillis) {
      needs.removeFirst();
    }
    int active = 0;
    int provision = 0;
    for (long[] n : needs) {
      active = (int) Math.max(active, n[1]);
      provision = (int) Math.max(provision, n[2]);
    }
    return new Capacity(active, provision);
  }

  /** A sale's burst is over: the window starts again from what follows, rather than holding its capacity. */
  void restart() {
    needs.clear();
  }

  /** Whether capacity may go at this tick. */
  boolean allows(long now, boolean saleNear, boolean panic, boolean rising, int draining) {
    boolean windowFull = now - firstTickMillis >= windowMillis;
    boolean stepDue = lastScaleInMillis == Long.MIN_VALUE || now - lastScaleInMillis >= stepMillis;
    return windowFull && stepDue && !saleNear && !panic && !rising && draining == 0;
  }

  /** Whether capacity may go towards an operator's number: as {@link #allows}, without waiting a whole window. */
  boolean allowsOrdered(long now, boolean saleNear, boolean panic, boolean rising, int draining) {
    boolean stepDue = lastScaleInMillis == Long.MIN_VALUE || now - lastScaleInMillis >= stepMillis;
    return stepDue && !saleNear && !panic && !rising && draining == 0;
  }

  /**
   * The targets for {@code need}: capacity above it stays, serving or in the pool, unless it may go;
   * then it goes no lower than the window's {@code held} need.
   */
  static Capacity hold(Capacity need, Capacity held, Census census, boolean mayScaleIn) {
    int serving = census.serving();
    int all = serving + census.pool();
    int active = need.active();
    int provision = need.provision();
    if (active < serving) {
      active = mayScaleIn ? Math.max(active, held.active()) : serving;
    }
    if (provision < all) {
      provision = mayScaleIn ? Math.max(provision, held.provision()) : all;
    }
    return new Capacity(active, provision);
  }

  /** Capacity went at {@code now}: the next wave waits a step. */
  void scaledIn(long now) {
    lastScaleInMillis = now;
  }
}
