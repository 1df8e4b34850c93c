package io.shardcast.autoscaler.policy;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The {@code shardcast.autoscaler} settings, validated once at start: a bad value stops the node with a clear message. */
public record AutoscalerSettings(
    boolean enabled,
    Duration interval,
    int minActive,
    int maxNodes,
    int minStandby,
    SafeLoad safeLoad,
    double targetUtilization,
    double headroomNodes,
    Duration shortWindow,
    Duration longWindow,
    double panicStress,
    double panicGrowthFactor,
    Duration panicHold,
    Duration panicMinHorizon,
    Duration scaleInWindow,
    Duration scaleInStep,
    double scaleInMaxFraction,
    Duration scaleInReconnect,
    Duration reportStaleAfter,
    Duration activationPrior,
    Duration coldStartPrior,
    int startupSamples,
    double saleInteractionMultiplier,
    Duration saleLead,
    Duration saleBurst,
    Duration saleBaselineWindow,
    int timelineSize,
    double roomTrendSmoothing) {

  public AutoscalerSettings {
    List<String> errors = new ArrayList<>();
    if (minActive < 1) {
      errors.add("min-active (" + minActive + ") must be >= 1");
    }
    if (minStandby < 0) {
      errors.add("min-standby (" + minStandby + ") must be >= 0");
    }
    if (maxNodes < minActive + minStandby) {
      errors.add("max-nodes (" + maxNodes + ") must be >= min-active + min-standby (" + (minActive + minStandby) + ")");
    }
    double[] safe = {safeLoad.viewers(), safeLoad.joinsPerSecond(), safeLoad.eventsInPerSecond(),
        safeLoad.eventsOutPerSecond(), safeLoad.egressBytesPerSecond(), safeLoad.cpu(), safeLoad.lagMillis()};
    String[] names = {"viewers", "joins-per-second", "events-in-per-second", "events-out-per-second",
        "egress-bytes-per-second", "cpu", "lag"};
    for (int i = 0; i < safe.length; i++) {
      if (!(safe[i] > 0)) {
        errors.add("safe-load." + names[i] + " (" + safe[i] + ") must be > 0");
      }
    }
    if (!(targetUtilization > 0 && targetUtilization <= 1)) {
      errors.add("target-utilization (" + targetUtilization + ") must be in (0, 1]");
    }
    if (!(headroomNodes >= 0)) {
      errors.add("headroom-nodes (" + headroomNodes + ") must be >= 0");
    }
    positive(errors, "interval", interval);
    positive(errors, "forecast.short-window", shortWindow);
    if (longWindow.compareTo(shortWindow) < 0) {
      errors.add("forecast.long-window (" + longWindow + ") must be >= short-window (" + shortWindow + ")");
    }
    if (!(panicStress > 0)) {
      errors.add("panic.stress (" + panicStress + ") must be > 0");
    }
    if (!(panicGrowthFactor > 1)) {
      errors.add("panic.growth-factor (" + panicGrowthFactor + ") must be > 1");
    }
    notNegative(errors, "panic.hold", panicHold);
    notNegative(errors, "panic.min-horizon", panicMinHorizon);
    positive(errors, "scale-in.window", scaleInWindow);
    positive(errors, "scale-in.step", scaleInStep);
    positive(errors, "scale-in.reconnect", scaleInReconnect);
    if (!(scaleInMaxFraction > 0 && scaleInMaxFraction <= 1)) {
      errors.add("scale-in.max-fraction (" + scaleInMaxFraction + ") must be in (0, 1]");
    }
    positive(errors, "report-stale-after", reportStaleAfter);
    positive(errors, "startup.activation", activationPrior);
    positive(errors, "startup.cold-start", coldStartPrior);
    if (startupSamples < 1) {
      errors.add("startup.samples (" + startupSamples + ") must be >= 1");
    }
    if (!(saleInteractionMultiplier >= 1)) {
      errors.add("sale.interaction-multiplier (" + saleInteractionMultiplier + ") must be >= 1");
    }
    notNegative(errors, "sale.lead", saleLead);
    notNegative(errors, "sale.burst", saleBurst);
    positive(errors, "sale.baseline-window", saleBaselineWindow);
    if (timelineSize < 1) {
      errors.add("timeline-size (" + timelineSize + ") must be >= 1");
    }
    if (!(roomTrendSmoothing > 0 && roomTrendSmoothing <= 1)) {
      errors.add("room-trend-smoothing (" + roomTrendSmoothing + ") must be in (0, 1]");
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid shardcast.autoscaler configuration: " + String.join("; ", errors));
    }
  }

  public static AutoscalerSettings from(Config root) {
    Config c = root.getConfig("shardcast.autoscaler");
    Config s = c.getConfig("safe-load");
    return new AutoscalerSettings(
        c.getBoolean("enabled"),
        c.getDuration("interval"),
        c.getInt("min-active"),
        c.getInt("max-nodes"),
        c.getInt("min-standby"),
        new SafeLoad(
            s.getDouble("viewers"),
            s.getDouble("joins-per-second"),
            s.getDouble("events-in-per-second"),
            s.getDouble("events-out-per-second"),
            s.getDouble("egress-bytes-per-second"),
            s.getDouble("cpu"),
            s.getDuration("lag").toNanos() / 1e6),
        c.getDouble("target-utilization"),
        c.getDouble("headroom-nodes"),
        c.getDuration("forecast.short-window"),
        c.getDuration("forecast.long-window"),
        c.getDouble("panic.stress"),
        c.getDouble("panic.growth-factor"),
        c.getDuration("panic.hold"),
        c.getDuration("panic.min-horizon"),
        c.getDuration("scale-in.window"),
        c.getDuration("scale-in.step"),
        c.getDouble("scale-in.max-fraction"),
        c.getDuration("scale-in.reconnect"),
        c.getDuration("report-stale-after"),
        c.getDuration("startup.activation"),
        c.getDuration("startup.cold-start"),
        c.getInt("startup.samples"),
        c.getDouble("sale.interaction-multiplier"),
        c.getDuration("sale.lead"),
        c.getDuration("sale.burst"),
        c.getDuration("sale.baseline-window"),
        c.getInt("timeline-size"),
        c.getDouble("room-trend-smoothing"));
  }

  private static void positive(List<String> errors, String name, Duration d) {
    if (d.isNegative() || d.isZero()) {
      errors.add(name + " (" + d + ") must be > 0");
    }
  }

  private static void notNegative(List<String> errors, String name, Duration d) {
    if (d.isNegative()) {
      errors.add(name + " (" + d + ") must be >= 0");
    }
  }
}
