package io.shardcast.testkit.cluster;

/**
 * Where clients reach one node: its gateway for REST, its viewer sockets, and the name the
 * histories record it by. A {@link LocalCluster.Node} is one; so is a pod of a LiveCluster.
 */
public interface Endpoint {

  /** Base URL of the node's gateway: {@code http://host:port}. */
  String http();

  /** Base URL of the node's viewer WebSockets: {@code ws://host:port}. */
  String ws();

  /** How histories and logs name the node. */
  String address();
}
