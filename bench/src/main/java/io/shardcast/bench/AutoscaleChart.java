package io.shardcast.bench;

import io.shardcast.autoscaler.sim.ClusterModel;
import io.shardcast.autoscaler.sim.Trace;
import io.shardcast.testkit.chart.Marker;
import io.shardcast.testkit.chart.Series;
import io.shardcast.testkit.chart.SvgChart;
import java.util.Arrays;
import java.util.List;

/**
 * One trace of {@code bench autoscale} as a picture: its demand each second, in nodes' worth of
 * safe load (what the oracle runs, rounded up), against the nodes each controller had serving and
 * all the nodes it paid for, with the trace's sale reveals marked.
 */
final class AutoscaleChart {

  /**
   * One controller's run, second by second, as the simulation's series CSV records it.
   *
   * @param serving nodes taking viewers and requests
   * @param nodes every node that existed: serving, standby, starting, draining
   */
  record Run(String controller, double[] serving, double[] nodes) {

    /** Reads the simulation's per-second CSV ({@code t,...,nodes,serving,...}; columns found by name). */
    static Run parse(String controller, String csv) {
      String[] lines = csv.split("\n");
      List<String> header = Arrays.asList(lines[0].strip().split(","));
      int nodesAt = header.indexOf("nodes");
      int servingAt = header.indexOf("serving");
      if (nodesAt < 0 || servingAt < 0) {
        throw new IllegalArgumentException("the series has no nodes or serving column: " + lines[0]);
      }
      double[] serving = new double[lines.length - 1];
      double[] nodes = new double[lines.length - 1];
      for (int i = 1; i < lines.length; i++) {
        String[] f = lines[i].strip().split(",");
        serving[i - 1] = Double.parseDouble(f[servingAt]);
        nodes[i - 1] = Double.parseDouble(f[nodesAt]);
      }
      return new Run(controller, serving, nodes);
    }
  }

  private AutoscaleChart() {}

  /** Seconds before a sale's reveal, and after it, that the chart around the sale shows. */
  static final int BEFORE_REVEAL_S = 120;
  static final int AFTER_REVEAL_S = 360;

  /** The whole of {@code trace} with the runs of each controller, in the order given (one colour each). */
  static SvgChart of(Trace trace, ClusterModel model, List<Run> runs) {
    return chart(trace, model, runs, "").xRange(0, Math.max(1, trace.seconds() - 1));
  }

  /** The minutes around sale {@code i}'s reveal, where a whole trace's axis squeezes the burst into a line. */
  static SvgChart aroundSale(Trace trace, ClusterModel model, List<Run> runs, int i) {
    int reveal = trace.sales().get(i).revealAt();
    double from = Math.max(0, reveal - BEFORE_REVEAL_S);
    double to = Math.max(from + 1, Math.min(trace.seconds() - 1, reveal + AFTER_REVEAL_S));
    return chart(trace, model, runs, ", around the sale").xRange(from, to);
  }

  private static SvgChart chart(Trace trace, ClusterModel model, List<Run> runs, String where) {
    double[] t = new double[trace.seconds()];
    double[] demand = new double[trace.seconds()];
    for (int s = 0; s < t.length; s++) {
      t[s] = s;
      demand[s] = model.demandNodes(trace.viewers()[s], trace.joins()[s], trace.events()[s]);
    }
    SvgChart chart = new SvgChart("bench autoscale, trace " + trace.name() + where + ": demand against nodes serving",
        "time (s)", "nodes").yRange(0, Double.NaN);
    chart.add(Series.line("demand: nodes' worth of load at safe load (the oracle runs this, rounded up)", t, demand)
        .inColour(0));
    for (int i = 0; i < runs.size(); i++) {
      Run r = runs.get(i);
      double[] at = new double[r.serving().length];
      for (int s = 0; s < at.length; s++) {
        at[s] = s;
      }
      chart.add(Series.step(r.controller() + ": serving", at, r.serving()).inColour(i + 1));
      chart.add(Series.step(r.controller() + ": all nodes (standby, starting, draining too)", at, r.nodes())
          .inColour(i + 1).asDashed());
    }
    List<Trace.Sale> sales = trace.sales();
    for (int i = 0; i < sales.size(); i++) {
      chart.marker(new Marker(sales.get(i).revealAt(), sales.size() == 1 ? "sale reveals" : "sale " + (i + 1)
          + " reveals"));
    }
    return chart;
  }

  /** A trace's name as part of a file name: letters, digits, dot, dash and underscore kept. */
  static String fileName(String traceName, String suffix) {
    return "autoscale-" + traceName.replaceAll("[^A-Za-z0-9._-]", "_") + suffix + ".svg";
  }
}
