package io.shardcast.chaos.run;

import io.shardcast.testkit.cluster.LocalCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nodes clients may talk to: every node of the cluster but those a fault has made unusable
 * right now (killed, paused, cut off, draining). Clients behind a load balancer see the same:
 * it stops sending them to a node that fails its health check.
 */
public final class Targets implements Gateways {

  private final LocalCluster cluster;
  private final Set<Integer> impaired = ConcurrentHashMap.newKeySet();

  public Targets(LocalCluster cluster) {
    this.cluster = cluster;
  }

  public void impair(int node) {
    impaired.add(node);
  }

  public void restore(int node) {
    impaired.remove(node);
  }

  public boolean impaired(int node) {
    return impaired.contains(node);
  }

  public List<LocalCluster.Node> healthy() {
    List<LocalCluster.Node> out = new ArrayList<>();
    for (LocalCluster.Node n : cluster.nodes()) {
      if (!impaired.contains(n.index()) && n.process().isAlive()) {
        out.add(n);
      }
    }
    return out;
  }

  /** A healthy node chosen by {@code random}; the first node when none is healthy (the request will fail, as it should). */
  @Override
  public LocalCluster.Node any(Random random) {
    List<LocalCluster.Node> h = healthy();
    if (h.isEmpty()) {
      return cluster.node(0);
    }
    synchronized (random) {
      return h.get(random.nextInt(h.size()));
    }
  }

  public LocalCluster cluster() {
    return cluster;
  }
}
