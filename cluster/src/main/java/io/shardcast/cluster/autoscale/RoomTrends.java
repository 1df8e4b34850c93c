package io.shardcast.cluster.autoscale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Each room's viewers over all nodes, their change per tick and the room's events per second, smoothed (an exponentially weighted
 * moving average with {@code room-trend-smoothing} as its weight), for {@code GET /api/autoscaler}.
 */
final class RoomTrends {

  /** The busiest rooms shown. */
  private static final int ROOMS_SHOWN = 20;

  private final double smoothing;
  /** Room -> {viewers, smoothed change per tick, last seq, smoothed events per second}. */
  private final Map<String, double[]> trends = new HashMap<>();
  private long lastMillis = Long.MIN_VALUE;

  RoomTrends(double smoothing) {
    this.smoothing = smoothing;
  }

  /**
   * This tick's viewers per room and the highest seq its edges handed out (events per second come
   * from the seq's growth); rooms no node reports any more are forgotten.
   */
  void observe(long nowMillis, Map<String, Long> viewers, Map<String, Long> seqs) {
    double seconds = lastMillis == Long.MIN_VALUE ? 0 : (nowMillis - lastMillis) / 1000.0;
    lastMillis = nowMillis;
    trends.keySet().retainAll(viewers.keySet());
    viewers.forEach((room, n) -> {
      double[] t = trends.get(room);
      long seq = seqs.getOrDefault(room, -1L);
      if (t == null) {
        trends.put(room, new double[] {n, 0, seq, 0});
      } else {
        t[1] = t[1] + smoothing * ((n - t[0]) - t[1]);
        t[0] = n;
        if (seconds > 0 && t[2] >= 0 && seq >= t[2]) {
          t[3] = t[3] + smoothing * ((seq - t[2]) / seconds - t[3]);
        }
        t[2] = seq;
      }
    });
  }

  /** The viewers of the {@code n} busiest rooms, over all nodes. */
  Map<String, Integer> viewersOfBusiest(int n) {
    Map<String, Integer> out = new HashMap<>();
    trends.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
        .limit(n)
        .forEach(e -> out.put(e.getKey(), (int) e.getValue()[0]));
    return out;
  }

  /** Adds the busiest rooms, the most viewers first, to {@code rooms}. */
  void describe(ArrayNode rooms) {
    trends.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
        .limit(ROOMS_SHOWN)
        .forEach(e -> rooms.addObject().put("room", e.getKey()).put("viewers", (long) e.getValue()[0])
            .put("viewersPerSecond", StateView.round(e.getValue()[1]))
            .put("eventsPerSecond", StateView.round(e.getValue()[3])));
  }
}
