package io.shardcast.autoscaler.signal;

import java.util.List;

/**
 * Everything the policy sees at one tick: the latest report of every known node, the sale calendar
 * and the operator's hold ({@code null} when there is none).
 */
public record Observation(long nowMillis, List<NodeReport> nodes, List<SaleWindow> sales, OperatorHold hold) {

  public Observation {
    nodes = List.copyOf(nodes);
    sales = List.copyOf(sales);
  }

  public Observation(long nowMillis, List<NodeReport> nodes, List<SaleWindow> sales) {
    this(nowMillis, nodes, sales, null);
  }
}
