package io.shardcast.k8s.control;

import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.informer.cache.Lister;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.shardcast.k8s.model.LiveCluster;
import io.shardcast.k8s.model.LiveClusterList;
import io.shardcast.k8s.objects.Names;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LiveCluster operator of one namespace: informers on the LiveClusters and the pods they own
 * put the cluster a change concerns on the {@link WorkQueue}; a worker reconciles what is due, only
 * while this replica holds the lease ({@link LeaderElection}); a failed reconcile comes back with
 * backoff, a successful one at the {@link Reconciler}'s next look.
 */
public final class Operator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Operator.class);
  /** Labels every node pod the operator makes; its pod informer watches only these. */
  static final String POD_SELECTOR = "app.kubernetes.io/managed-by=" + Names.MANAGED_BY;

  private final String namespace;
  private final SharedInformerFactory informers;
  private final SharedIndexInformer<LiveCluster> clusters;
  private final SharedIndexInformer<V1Pod> pods;
  private final WorkQueue<String> queue = new WorkQueue<>(Duration.ofSeconds(1), Duration.ofMinutes(2));
  private final LeaderElection election;
  private final Reconciler reconciler;
  private final ScheduledExecutorService leases = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lease"));
  private final Thread worker = daemon(this::work, "shardcast-operator");
  private final OperatorMetrics metrics;
  private final Duration retryPeriod;
  private volatile boolean wasLeading;

  public Operator(ApiClient client, String namespace, String identity, ClusterOps ops, OperatorMetrics metrics,
      Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, LongSupplier clockMillis) {
    this.namespace = namespace;
    this.metrics = metrics;
    this.retryPeriod = retryPeriod;
    client.setReadTimeout(0); // watches are long polls; the informer factory insists
    this.informers = new SharedInformerFactory(client);
    GenericKubernetesApi<LiveCluster, LiveClusterList> api = new GenericKubernetesApi<>(LiveCluster.class,
        LiveClusterList.class, LiveCluster.GROUP, LiveCluster.VERSION, LiveCluster.PLURAL, client);
    this.clusters = informers.sharedIndexInformerFor(api, LiveCluster.class, Reconciler.RESYNC.toMillis(), namespace,
        (type, e) -> log.warn("LiveCluster informer: {}", e.toString()));
    CoreV1Api core = new CoreV1Api(client);
    this.pods = informers.sharedIndexInformerFor(p -> core.listNamespacedPod(namespace).labelSelector(POD_SELECTOR)
        .resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds).watch(p.watch).buildCall(null),
        V1Pod.class, V1PodList.class, 0L, (type, e) -> log.warn("pod informer: {}", e.toString()));
    Lister<V1Pod> podLister = new Lister<>(pods.getIndexer(), namespace);
    this.reconciler = new Reconciler(client, c -> podLister.list().stream().filter(p ->
        c.name().equals(labels(p).get(Names.CLUSTER_LABEL))).toList(), ops, metrics, clockMillis);
    this.election = new LeaderElection(client, namespace, "shardcast-operator", identity, leaseDuration, renewDeadline,
        clockMillis);
    clusters.addEventHandler(handler(c -> c.namespace() + "/" + c.name()));
    pods.addEventHandler(handler(p -> {
      String cluster = labels(p).get(Names.CLUSTER_LABEL);
      return cluster == null ? null : p.getMetadata().getNamespace() + "/" + cluster;
    }));
  }

  public void start() {
    informers.startAllRegisteredInformers();
    leases.scheduleWithFixedDelay(this::tryLead, 0, retryPeriod.toMillis(), TimeUnit.MILLISECONDS);
    worker.start();
    log.info("operator {} watching LiveClusters in namespace {}", election.identity(), namespace);
  }

  /** Whether this replica leads now. */
  public boolean leading() {
    return election.leading();
  }

  /** Whether both informers have listed what exists. */
  public boolean synced() {
    return clusters.hasSynced() && pods.hasSynced();
  }

  private void tryLead() {
    boolean leads = election.tryAcquireOrRenew();
    metrics.leading(leads);
    if (leads && !wasLeading) {
      // Newly leading: every cluster is looked at, whatever happened while another replica led.
      for (LiveCluster c : clusters.getIndexer().list()) {
        queue.add(c.namespace() + "/" + c.name());
      }
    }
    wasLeading = leads;
  }

  private void work() {
    while (true) {
      String key;
      try {
        key = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        return;
      }
      try {
        if (!election.leading()) {
          queue.addAfter(key, retryPeriod); // another replica acts; look again should this one lead
          continue;
        }
        LiveCluster c = clusters.getIndexer().getByKey(key);
        if (c == null) {
          queue.forget(key); // deleted: its objects go with it (owner references)
          continue;
        }
        long started = System.nanoTime();
        Duration next = reconciler.reconcile(c);
        metrics.reconciled(System.nanoTime() - started, true);
        queue.forget(key);
        queue.addAfter(key, next);
      } catch (ApiException e) {
        metrics.reconciled(0, false);
        log.warn("reconcile {} failed ({} {}); retrying in {} s", key, e.getCode(),
            e.getResponseBody() == null ? e.getMessage() : e.getResponseBody(), queue.backoff(queue.failures(key) + 1) / 1_000_000_000L);
        queue.retry(key);
      } catch (RuntimeException e) {
        metrics.reconciled(0, false);
        log.error("reconcile {} failed", key, e);
        queue.retry(key);
      } finally {
        queue.done(key);
      }
    }
  }

  private <T extends io.kubernetes.client.common.KubernetesObject> ResourceEventHandler<T> handler(
      java.util.function.Function<T, String> key) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        enqueue(key.apply(obj));
      }

      @Override
      public void onUpdate(T old, T now) {
        enqueue(key.apply(now));
      }

      @Override
      public void onDelete(T obj, boolean unknownFinalState) {
        enqueue(key.apply(obj));
      }
    };
  }

  private void enqueue(String key) {
    if (key != null) {
      queue.add(key);
    }
  }

  private static Map<String, String> labels(V1Pod p) {
    return p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    queue.shutDown();
    leases.shutdownNow();
    informers.stopAllRegisteredInformers();
    worker.interrupt();
  }

  /** For tests: the clusters the informer has. */
  List<LiveCluster> cached() {
    return clusters.getIndexer().list();
  }
}
