package io.shardcast.autoscaler.policy;

import io.shardcast.autoscaler.signal.NodeReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One scale-in wave: which nodes go, and how many. Active nodes above the target drain, the youngest
 * first, at most {@code scale-in.max-fraction} of the excess (all of it just after a sale closed), and
 * no more viewers than the staying nodes take at their safe join rate over {@code scale-in.reconnect}.
 * Otherwise standbys above the pool's target retire, the newest first.
 */
final class ScaleInWave {

  private final AutoscalerSettings settings;

  ScaleInWave(AutoscalerSettings settings) {
    this.settings = settings;
  }

  /**
   * Adds this wave's {@link Action.Drain}s or {@link Action.Retire}s to {@code actions}; returns
   * whether any node goes.
   *
   * @param afterSale a sale closed within the scale-in window
   */
  boolean plan(Capacity target, Census census, ScaleOut.Activated now, boolean afterSale, List<Action> actions,
      List<String> why) {
    if (target.active() < now.serving()) {
      return drain(target, census, now, afterSale, actions, why);
    }
    if (now.standby().size() + census.starting() > target.provision() - target.active()) {
      return retire(target, census, now.standby(), actions);
    }
    return false;
  }

  private boolean drain(Capacity target, Census census, ScaleOut.Activated now, boolean afterSale,
      List<Action> actions, List<String> why) {
    int excess = now.serving() - target.active();
    // Capacity raised for a sale that has just closed goes in one wave: it was sized for a burst
    // that is over, not for viewers who might come back.
    int wave = afterSale ? excess : Math.max(1, (int) Math.ceil(excess * settings.scaleInMaxFraction()));
    // The youngest nodes go first (as a StatefulSet scales down): the oldest hold the seeds and the
    // cluster's singletons, and a young node has the fewest long-settled viewers to move.
    List<NodeReport> byViewers = new ArrayList<>(census.active());
    byViewers.sort(Comparator.comparingLong(NodeReport::upSinceMillis).reversed()
        .thenComparingInt((NodeReport n) -> n.load().viewers()).thenComparing(NodeReport::nodeId));
    int poolWanted = target.provision() - target.active() - now.standby().size() - census.starting();
    int drained = Math.min(wave, byViewers.size() - settings.minActive());
    // Their viewers reconnect to the nodes that stay: no more than those take at their safe join rate.
    double reconnectSeconds = settings.scaleInReconnect().toMillis() / 1000.0;
    double joinRate = settings.safeLoad().joinsPerSecond() * settings.targetUtilization();
    long moved = 0;
    for (int i = 0; i < drained; i++) {
      moved += byViewers.get(i).load().viewers();
      double absorb = 0;
      for (int j = i + 1; j < byViewers.size(); j++) {
        absorb += Math.max(0, joinRate - byViewers.get(j).load().joinsPerSecond()) * reconnectSeconds;
      }
      if (i > 0 && moved > absorb) {
        why.add(String.format(Locale.ROOT, "scale-in wave of %d, not %d: one more would send %d viewers back, "
            + "more than the staying nodes take in %.0fs (%.0f)", i, drained, moved, reconnectSeconds, absorb));
        drained = i;
        break;
      }
    }
    boolean any = false;
    for (int i = 0; i < drained; i++) {
      boolean keep = poolWanted > 0;
      poolWanted -= keep ? 1 : 0;
      actions.add(new Action.Drain(byViewers.get(i).nodeId(), keep));
      any = true;
    }
    return any;
  }

  private boolean retire(Capacity target, Census census, List<NodeReport> standby, List<Action> actions) {
    int excess = Math.min(standby.size(), standby.size() + census.starting() - (target.provision() - target.active()));
    int wave = Math.max(1, (int) Math.ceil(excess * settings.scaleInMaxFraction()));
    // The newest standbys go first: the oldest are the warmest.
    List<NodeReport> newestFirst = new ArrayList<>(standby);
    newestFirst.sort(Comparator.comparingLong(NodeReport::roleSinceMillis).reversed());
    boolean any = false;
    for (int i = 0; i < Math.min(wave, excess); i++) {
      actions.add(new Action.Retire(newestFirst.get(i).nodeId()));
      any = true;
    }
    return any;
  }
}
