package io.shardcast.autoscaler.signal;

import java.util.List;

/** Everything the policy sees at one tick: the latest report of every known node and the sale calendar. */
public record Observation(long nowMillis, List<NodeReport> nodes, List<SaleWindow> sales) {

  public Observation {
    nodes = List.copyOf(nodes);
    sales = List.copyOf(sales);
  }
}
