package io.shardcast.autoscaler.policy;

import com.typesafe.config.ConfigFactory;
import io.shardcast.autoscaler.signal.NodeLoad;
import io.shardcast.autoscaler.signal.NodeReport;
import io.shardcast.autoscaler.signal.NodeRole;
import io.shardcast.autoscaler.signal.Observation;
import java.util.ArrayList;
import java.util.List;

/** Node reports and settings for the rule tests: every report is fresh at the {@code now} it is made for. */
final class Reports {

  static final AutoscalerSettings DEFAULTS = AutoscalerSettings.from(ConfigFactory.load());

  private Reports() {}

  /** The defaults with {@code hocon} (paths under {@code shardcast.autoscaler}) over them. */
  static AutoscalerSettings with(String hocon) {
    return AutoscalerSettings.from(ConfigFactory.parseString(hocon).atPath("shardcast.autoscaler")
        .withFallback(ConfigFactory.load()));
  }

  static NodeReport active(String id, long now, int viewers) {
    return active(id, now, 0, NodeLoad.of(viewers, 0, 0));
  }

  static NodeReport active(String id, long now, long upSinceMillis, NodeLoad load) {
    return new NodeReport(id, NodeRole.ACTIVE, now, 0, upSinceMillis, load);
  }

  static NodeReport standby(String id, long now, long roleSinceMillis) {
    return new NodeReport(id, NodeRole.STANDBY, now, roleSinceMillis, 0, NodeLoad.IDLE);
  }

  static NodeReport starting(String id, long now) {
    return new NodeReport(id, NodeRole.STARTING, now, now, now, NodeLoad.IDLE);
  }

  static Census census(long now, NodeReport... nodes) {
    return Census.of(new Observation(now, List.of(nodes), List.of()), DEFAULTS, new ArrayList<>());
  }
}
