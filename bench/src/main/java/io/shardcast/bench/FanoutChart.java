package io.shardcast.bench;

import io.shardcast.testkit.chart.Series;
import io.shardcast.testkit.chart.SvgChart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code bench fanout}'s results as a picture: comment-to-viewer latency p50 and p99 against
 * viewers, one colour per build, each point the median of that build's runs at that many viewers
 * (on a shared 2-core machine one run's p99 moves by tens of ms from the next).
 */
final class FanoutChart {

  private FanoutChart() {}

  static SvgChart of(List<FanoutResult> results) {
    SvgChart chart = new SvgChart("bench fanout: comment-to-viewer latency against viewers (median of the runs)",
        "viewers in the room", "latency (ms)").xRange(0, Double.NaN).yRange(0, Double.NaN);
    series(results).forEach(chart::add);
    return chart;
  }

  /** For each build, in the order first seen: its p99 line (solid) and its p50 line (dashed), one colour. */
  static List<Series> series(List<FanoutResult> results) {
    Map<String, List<FanoutResult>> byBuild = new LinkedHashMap<>();
    for (FanoutResult r : results) {
      byBuild.computeIfAbsent(r.build(), b -> new ArrayList<>()).add(r);
    }
    List<Series> out = new ArrayList<>();
    int colour = 0;
    for (Map.Entry<String, List<FanoutResult>> build : byBuild.entrySet()) {
      // A build's runs by viewer count, fewest first.
      TreeMap<Integer, List<FanoutResult>> byViewers = new TreeMap<>();
      for (FanoutResult r : build.getValue()) {
        byViewers.computeIfAbsent(r.viewers(), v -> new ArrayList<>()).add(r);
      }
      double[] x = new double[byViewers.size()];
      double[] p50 = new double[x.length];
      double[] p99 = new double[x.length];
      int i = 0;
      for (Map.Entry<Integer, List<FanoutResult>> e : byViewers.entrySet()) {
        x[i] = e.getKey();
        p50[i] = median(e.getValue().stream().mapToLong(FanoutResult::p50Ms).toArray());
        p99[i] = median(e.getValue().stream().mapToLong(FanoutResult::p99Ms).toArray());
        i++;
      }
      String label = build.getKey() + " (" + build.getValue().get(0).date() + ")";
      out.add(Series.lineAndPoints("p99, " + label, x, p99).inColour(colour + 1));
      out.add(Series.lineAndPoints("p50, " + label, x, p50).inColour(colour + 1).asDashed());
      colour++;
    }
    return out;
  }

  static double median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  }
}
