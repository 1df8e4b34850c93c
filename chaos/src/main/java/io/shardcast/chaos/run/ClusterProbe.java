package io.shardcast.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardcast.testkit.cluster.LocalCluster;
import io.shardcast.testkit.load.RestClient;
import java.io.IOException;

/**
 * What the cluster says about itself, asked of its healthy nodes: which node hosts the room, which
 * is the oldest (the shard coordinator's), whether a node is an Up member in every other's view.
 */
final class ClusterProbe {

  private static final int ROOM_HOST_ATTEMPTS = 40;
  private static final long ROOM_HOST_RETRY_MS = 250;

  private final LocalCluster cluster;
  private final Targets targets;
  private final RestClient rest;
  private final Prober prober;
  private final String roomId;

  ClusterProbe(LocalCluster cluster, Targets targets, RestClient rest, Prober prober, String roomId) {
    this.cluster = cluster;
    this.targets = targets;
    this.rest = rest;
    this.prober = prober;
    this.roomId = roomId;
  }

  /** The index of the node the room runs on, as the room's state says. */
  int roomHost() throws InterruptedException {
    for (int attempt = 0; attempt < ROOM_HOST_ATTEMPTS; attempt++) {
      String host = prober.roomHost();
      if (host != null) {
        for (LocalCluster.Node n : cluster.nodes()) {
          if (n.address().equals(host)) {
            return n.index();
          }
        }
      }
      Thread.sleep(ROOM_HOST_RETRY_MS);
    }
    throw new IllegalStateException("cannot tell which node hosts room " + roomId);
  }

  /** The index of the oldest member, as the first healthy node that answers names it. */
  int oldest() throws InterruptedException {
    for (LocalCluster.Node n : targets.healthy()) {
      try {
        String oldest = members(n).path("oldest").asText();
        for (LocalCluster.Node m : cluster.nodes()) {
          if (oldest.endsWith("@" + m.address())) {
            return m.index();
          }
        }
      } catch (IOException e) {
        // ask the next node
      }
    }
    throw new IllegalStateException("no node names the oldest member");
  }

  /** Whether the other healthy nodes' management lists {@code n} as Up (and reachable), and {@code n} is ready. */
  boolean memberEverywhere(LocalCluster.Node n) {
    try {
      for (LocalCluster.Node other : targets.healthy()) {
        if (other.index() == n.index()) {
          continue;
        }
        JsonNode members = members(other);
        boolean up = false;
        for (JsonNode m : members.path("members")) {
          if (m.path("node").asText().endsWith("@" + n.address()) && m.path("status").asText().equals("Up")) {
            up = true;
          }
        }
        for (JsonNode u : members.path("unreachable")) {
          if (u.path("node").asText().endsWith("@" + n.address())) {
            up = false;
          }
        }
        if (!up) {
          return false;
        }
      }
      return cluster.ready(n);
    } catch (Exception e) {
      return false;
    }
  }

  /** The cluster membership as node {@code n}'s management endpoint reports it. */
  private JsonNode members(LocalCluster.Node n) throws IOException, InterruptedException {
    return rest.get(n.management() + "/cluster/members").body();
  }
}
