package io.shardcast.k8s.control;

import java.io.IOException;

/**
 * How the operator talks to a Shardcast cluster: through a node's gateway ({@code http://host:port}),
 * reading {@code GET /api/autoscaler} and {@code GET /api/cluster} and sending the ops orders
 * {@code POST /api/autoscaler/nodes/{drain|retire}}, all with the ops token.
 */
public interface ClusterOps {

  /** The cluster's report as the node at {@code gateway} gives it (reads need the ops token too). */
  ClusterReport read(String gateway, String opsToken) throws IOException;

  /** Asks the cluster to drain {@code node} and let it leave; an order already under way is fine. */
  void drain(String gateway, String node, String opsToken) throws IOException;

  /** Asks the cluster to retire the standby {@code node}; an order already under way is fine. */
  void retire(String gateway, String node, String opsToken) throws IOException;
}
