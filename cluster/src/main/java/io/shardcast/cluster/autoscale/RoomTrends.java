package io.shardcast.cluster.autoscale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Each room's viewers over all nodes and their change per tick, smoothed (an exponentially weighted
 * moving average with {@code room-trend-smoothing} as its weight), for {@code GET /api/autoscaler}.
 */
final class RoomTrends {

  /** The busiest rooms shown. */
  private static final int ROOMS_SHOWN = 20;

  private final double smoothing;
  /** Room -> {viewers, smoothed change per tick}. */
  private final Map<String, double[]> trends = new HashMap<>();

  RoomTrends(double smoothing) {
    this.smoothing = smoothing;
  }

  /** This tick's viewers per room; rooms no node reports any more are forgotten. */
  void observe(Map<String, Long> viewers) {
    trends.keySet().retainAll(viewers.keySet());
    viewers.forEach((room, n) -> {
      double[] t = trends.get(room);
      if (t == null) {
        trends.put(room, new double[] {n, 0});
      } else {
        t[1] = t[1] + smoothing * ((n - t[0]) - t[1]);
        t[0] = n;
      }
    });
  }

  /** Adds the busiest rooms, the most viewers first, to {@code rooms}. */
  void describe(ArrayNode rooms) {
    trends.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
        .limit(ROOMS_SHOWN)
        .forEach(e -> rooms.addObject().put("room", e.getKey()).put("viewers", (long) e.getValue()[0])
            .put("viewersPerSecond", StateView.round(e.getValue()[1])));
  }
}
