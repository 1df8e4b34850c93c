package io.shardcast.k8s.control;

import java.util.Map;

/**
 * What a Shardcast cluster says of itself, read from one of its nodes' gateways: each node's role
 * and viewers (by the host of its address: the pod's IP), the oldest member, and whether a flash
 * sale is open or about to open.
 */
public record ClusterReport(Map<String, Node> byHost, String oldestHost, boolean saleAhead) {

  /** A node as the autoscaler reports it: its address, role ({@code ACTIVE}, {@code STANDBY}...) and viewers. */
  public record Node(String address, String role, int viewers) {}

  public static final ClusterReport UNKNOWN = new ClusterReport(Map.of(), null, false);

  /** The host of a cluster address {@code pekko://system@host:port}. */
  static String host(String address) {
    int at = address.indexOf('@');
    int colon = address.lastIndexOf(':');
    return at < 0 || colon < at ? address : address.substring(at + 1, colon);
  }
}
