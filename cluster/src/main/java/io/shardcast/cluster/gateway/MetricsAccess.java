package io.shardcast.cluster.gateway;

import com.typesafe.config.Config;
import java.util.Locale;

/**
 * Who may read {@code /metrics} ({@code shardcast.access.metrics}): anyone who reaches the gateway
 * ({@code open}), operators whose token holds the {@code metrics} scope ({@code token}), or anyone
 * who reaches a port of its own that the gateway does not serve ({@code internal}: bind it where
 * only the scraper can reach it).
 *
 * @param mode the rule
 * @param iface the internal port's interface
 * @param port the internal port (0: any free one)
 */
public record MetricsAccess(Mode mode, String iface, int port) {

  /** How {@code /metrics} is reached. */
  public enum Mode {
    OPEN, TOKEN, INTERNAL
  }

  public static MetricsAccess from(Config root) {
    Config c = root.getConfig("shardcast.access.metrics");
    String mode = c.getString("mode").toLowerCase(Locale.ROOT);
    Mode m = switch (mode) {
      case "open" -> Mode.OPEN;
      case "token" -> Mode.TOKEN;
      case "internal" -> Mode.INTERNAL;
      default -> throw new IllegalArgumentException("shardcast.access.metrics.mode (SHARDCAST_METRICS_ACCESS) is open, "
          + "token or internal, not " + mode);
    };
    return new MetricsAccess(m, c.getString("interface"), c.getInt("port"));
  }
}
