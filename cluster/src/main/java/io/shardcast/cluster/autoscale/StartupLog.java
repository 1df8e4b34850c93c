package io.shardcast.cluster.autoscale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.autoscaler.policy.StartupTimes;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up times measured in the cluster, decision to serving: each feeds the policy's
 * {@link StartupTimes}, and the latest are shown at {@code GET /api/autoscaler}.
 */
final class StartupLog {

  /** Logs under the singleton's name, where operators look for its decisions. */
  private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);
  private static final int MAX_SHOWN = 50;

  /** What was measured: a standby activated, or a node started. */
  enum Kind {
    ACTIVATION("activation"), COLD_START("cold-start");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  private final StartupTimes times;
  private final ArrayDeque<ObjectNode> shown = new ArrayDeque<>();

  StartupLog(StartupTimes times) {
    this.times = times;
  }

  void record(Kind kind, String node, long millis, long now) {
    double seconds = millis / 1000.0;
    if (kind == Kind.ACTIVATION) {
      times.recordActivation(seconds);
    } else {
      times.recordColdStart(seconds);
    }
    log.info("autoscaler: {} of {} took {} ms (decision to serving)", kind.label, node, millis);
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("at", now).put("kind", kind.label).put("node", node).put("seconds", seconds);
    shown.addLast(s);
    while (shown.size() > MAX_SHOWN) {
      shown.removeFirst();
    }
  }

  /** The {@code startupSeconds} estimates and the {@code startups} measured, for {@code GET /api/autoscaler}. */
  void describe(ObjectNode root) {
    ObjectNode startup = root.putObject("startupSeconds");
    startup.put("activation", times.activationSeconds())
        .put("activationSamples", times.activationSamples())
        .put("coldStart", times.coldStartSeconds())
        .put("coldStartSamples", times.coldStartSamples());
    ArrayNode measured = root.putArray("startups");
    shown.forEach(measured::add);
  }
}
