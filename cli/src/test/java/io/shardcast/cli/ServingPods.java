package io.shardcast.cli;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.shardcast.chaos.run.Gateways;
import io.shardcast.k8s.objects.Names;
import io.shardcast.testkit.cluster.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The nodes of a LiveCluster that clients reach, as its public Services offer them: the pods the
 * operator labels serving that the kubelet reports Ready, read from the API server every half
 * second (as endpoints controllers and load balancers follow them).
 */
final class ServingPods implements Gateways, AutoCloseable {

  private static final long REFRESH_MS = 500;

  /** One pod's faces on the default ports. */
  private record Pod(String ip) implements Endpoint {
    @Override
    public String http() {
      return "http://" + ip + ":8080";
    }

    @Override
    public String ws() {
      return "ws://" + ip + ":8180";
    }

    @Override
    public String address() {
      return ip;
    }
  }

  private final CoreV1Api core;
  private final String namespace;
  private final String cluster;
  private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "serving-pods");
    t.setDaemon(true);
    return t;
  });
  private volatile List<Pod> serving = List.of();

  ServingPods(CoreV1Api core, String namespace, String cluster) throws Exception {
    this.core = core;
    this.namespace = namespace;
    this.cluster = cluster;
    refresh();
    refresher.scheduleWithFixedDelay(() -> {
      try {
        refresh();
      } catch (Exception e) {
        // keep the last list: a load balancer keeps its endpoints while the API server is away
      }
    }, REFRESH_MS, REFRESH_MS, TimeUnit.MILLISECONDS);
  }

  private void refresh() throws Exception {
    List<Pod> now = new ArrayList<>();
    for (V1Pod p : core.listNamespacedPod(namespace)
        .labelSelector(Names.CLUSTER_LABEL + "=" + cluster + "," + Names.SERVING_LABEL + "=true").execute().getItems()) {
      boolean ready = p.getStatus() != null && p.getStatus().getPodIP() != null && p.getStatus().getConditions() != null
          && p.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready")
              && c.getStatus().equals("True"));
      if (ready && p.getMetadata().getDeletionTimestamp() == null) {
        now.add(new Pod(p.getStatus().getPodIP()));
      }
    }
    serving = List.copyOf(now);
  }

  /** How many pods serve now. */
  int count() {
    return serving.size();
  }

  @Override
  public Endpoint any(Random random) {
    List<Pod> s = serving;
    if (s.isEmpty()) {
      return new Pod("127.0.1.1"); // nothing serves: the request fails, as it should
    }
    synchronized (random) {
      return s.get(random.nextInt(s.size()));
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
