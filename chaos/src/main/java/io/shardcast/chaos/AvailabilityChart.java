package io.shardcast.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.chaos.check.AvailabilityChecker;
import io.shardcast.testkit.chart.Series;
import io.shardcast.testkit.chart.Span;
import io.shardcast.testkit.chart.SvgChart;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A chaos run's availability as a picture, drawn from its recorded history: how long each of the
 * prober's requests to the room took to be answered, over the run, the failed ones apart, each
 * fault's window shaded. It draws what the availability checker judges; it judges nothing.
 */
public final class AvailabilityChart {

  /** Beyond this many probes, each stretch of the run shows its slowest, so a long soak stays a small file. */
  static final int MAX_PROBES_DRAWN = 3000;
  /**
   * Answers further apart than this are not joined by the line: the probes between them failed, and
   * a line across would draw an outage as a quiet stretch.
   */
  static final double GAP_SECONDS = AvailabilityChecker.STALL_MS / 1000.0;
  /** The palette's grey, for the threshold line. */
  private static final int GREY = 7;
  private static final int BLUE = 1;
  private static final int VERMILLION = 2;

  private AvailabilityChart() {}

  /** One probe: when it was sent (seconds since the run's first record), how long until answered or failed. */
  private record Probe(double atSeconds, long ms, boolean answered) {}

  /** The chart of a history; {@code firstMillis} is time zero (the run's first record). */
  public static SvgChart of(List<JsonNode> history, String scenario, long firstMillis) {
    List<Probe> probes = new ArrayList<>();
    for (JsonNode r : history) {
      if (r.path("k").asText().equals("op") && r.path("op").asText().equals("probe")
          && !r.path("phase").asText().equals("invoke")) {
        probes.add(new Probe((r.path("start").asLong() - firstMillis) / 1000.0, r.path("ms").asLong(),
            r.path("phase").asText().equals("ok")));
      }
    }
    // Recorded as answered, drawn as sent.
    probes.sort(Comparator.comparingDouble(Probe::atSeconds));
    double binSeconds = 0;
    if (probes.size() > MAX_PROBES_DRAWN) {
      double span = probes.get(probes.size() - 1).atSeconds() - probes.get(0).atSeconds();
      binSeconds = Math.ceil(span / (MAX_PROBES_DRAWN / 2.0) * 10) / 10.0;
      probes = slowestPerBin(probes, binSeconds);
    }
    List<Probe> answered = probes.stream().filter(Probe::answered).toList();
    List<Probe> failed = probes.stream().filter(p -> !p.answered()).toList();

    SvgChart chart = new SvgChart("chaos " + scenario + ": the room's answers to the prober, faults shaded",
        "time since the run began (s)", "time to answer (ms)").xRange(0, Double.NaN).yRange(0, Double.NaN);
    double[][] line = brokenAtGaps(answered, Math.max(GAP_SECONDS, 2 * binSeconds));
    chart.add(Series.line(binSeconds > 0 ? String.format(Locale.ROOT, "answered (the slowest of each %.1f s)",
        binSeconds) : "answered", line[0], line[1]).inColour(BLUE));
    chart.add(Series.points("failed: refused, an error, or no answer in time (drawn at the time it took to fail)",
        seconds(failed), millis(failed)).inColour(VERMILLION));
    if (!probes.isEmpty()) {
      double from = probes.get(0).atSeconds();
      double to = probes.get(probes.size() - 1).atSeconds();
      chart.add(Series.line("stall: slower than " + AvailabilityChecker.STALL_MS + " ms counts as unavailable",
          new double[] {from, to}, new double[] {AvailabilityChecker.STALL_MS, AvailabilityChecker.STALL_MS})
          .inColour(GREY).asDashed());
    }
    for (Span s : faultWindows(history, firstMillis)) {
      chart.span(s);
    }
    return chart;
  }

  /**
   * Each fault from its start to its end, or else to when its target node served again, or else
   * a sliver at its start (a fault with neither, such as one the run stopped during).
   */
  static List<Span> faultWindows(List<JsonNode> history, long firstMillis) {
    List<Span> out = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      JsonNode f = history.get(i);
      if (!f.path("k").asText().equals("fault") || !f.path("phase").asText().equals("start")) {
        continue;
      }
      String name = f.path("name").asText();
      String target = f.path("target").asText();
      long start = f.path("t").asLong();
      long end = -1;
      long back = -1;
      for (int j = i + 1; j < history.size() && end < 0; j++) {
        JsonNode r = history.get(j);
        String k = r.path("k").asText();
        if (k.equals("fault") && r.path("phase").asText().equals("end") && r.path("name").asText().equals(name)
            && r.path("target").asText().equals(target)) {
          end = r.path("t").asLong();
        } else if (back < 0 && k.equals("capacity") && r.path("phase").asText().equals("back")
            && r.path("node").asText().equals(target)) {
          back = r.path("t").asLong();
        }
      }
      long until = end >= 0 ? end : back >= 0 ? back : start;
      out.add(new Span((start - firstMillis) / 1000.0, (until - firstMillis) / 1000.0, name + " " + target));
    }
    return out;
  }

  /** For each stretch of {@code binSeconds}: its slowest answered probe and its slowest failed one. */
  private static List<Probe> slowestPerBin(List<Probe> sorted, double binSeconds) {
    List<Probe> out = new ArrayList<>();
    double origin = sorted.get(0).atSeconds();
    int i = 0;
    while (i < sorted.size()) {
      long bin = (long) Math.floor((sorted.get(i).atSeconds() - origin) / binSeconds);
      Probe slowAnswered = null;
      Probe slowFailed = null;
      for (; i < sorted.size() && (long) Math.floor((sorted.get(i).atSeconds() - origin) / binSeconds) == bin; i++) {
        Probe p = sorted.get(i);
        if (p.answered() && (slowAnswered == null || p.ms() > slowAnswered.ms())) {
          slowAnswered = p;
        } else if (!p.answered() && (slowFailed == null || p.ms() > slowFailed.ms())) {
          slowFailed = p;
        }
      }
      if (slowAnswered != null) {
        out.add(slowAnswered);
      }
      if (slowFailed != null) {
        out.add(slowFailed);
      }
    }
    return out;
  }

  /** The probes' times and answers, with a NaN (a break in the line) where consecutive ones are {@code gap} apart. */
  private static double[][] brokenAtGaps(List<Probe> ps, double gap) {
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < ps.size(); i++) {
      if (i > 0 && ps.get(i).atSeconds() - ps.get(i - 1).atSeconds() > gap) {
        points.add(new double[] {Double.NaN, Double.NaN});
      }
      points.add(new double[] {ps.get(i).atSeconds(), ps.get(i).ms()});
    }
    double[][] out = new double[2][points.size()];
    for (int i = 0; i < points.size(); i++) {
      out[0][i] = points.get(i)[0];
      out[1][i] = points.get(i)[1];
    }
    return out;
  }

  private static double[] seconds(List<Probe> ps) {
    double[] out = new double[ps.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ps.get(i).atSeconds();
    }
    return out;
  }

  private static double[] millis(List<Probe> ps) {
    double[] out = new double[ps.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ps.get(i).ms();
    }
    return out;
  }
}
