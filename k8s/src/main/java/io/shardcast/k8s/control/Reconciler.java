package io.shardcast.k8s.control;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1Condition;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.PatchUtils;
import io.shardcast.k8s.model.LiveCluster;
import io.shardcast.k8s.model.LiveClusterSpec;
import io.shardcast.k8s.model.LiveClusterStatus;
import io.shardcast.k8s.objects.Names;
import io.shardcast.k8s.objects.NodePodFactory;
import io.shardcast.k8s.objects.Revision;
import io.shardcast.k8s.plan.Desired;
import io.shardcast.k8s.plan.NodePod;
import io.shardcast.k8s.plan.NodePod.ClusterRole;
import io.shardcast.k8s.plan.Plan;
import io.shardcast.k8s.plan.PodPlanner;
import io.shardcast.k8s.plan.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile of one LiveCluster: level-triggered and idempotent. It checks the spec, brings the
 * owned objects to it, reads the pods and the cluster's own report, asks the {@link PodPlanner} what
 * to do, does it (each step an Event), labels the serving pods for the public Services, and writes
 * the status. It answers when to look again: soon while the cluster changes, at the resync else.
 */
public final class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  /** How soon a changing cluster is looked at again (the informers wake it sooner on any change). */
  public static final Duration WHILE_CHANGING = Duration.ofSeconds(2);
  public static final Duration RESYNC = Duration.ofSeconds(30);

  /** The cluster's node pods, as the informer's cache has them. */
  public interface Pods {
    List<V1Pod> of(LiveCluster c);
  }

  private final CoreV1Api core;
  private final CustomObjectsApi custom;
  private final ApiClient client;
  private final OwnedObjects owned;
  private final Pods pods;
  private final ClusterOps ops;
  private final EventRecorder events;
  private final LongSupplier clockMillis;
  private final JSON json = new JSON();
  /**
   * Pods this operator deleted, by uid, with when: the informer may show them for a moment longer,
   * and a gone pod seen again would be deleted twice and, had the autoscaler drained it, lower the
   * replicas twice.
   */
  private final Map<String, Long> deleted = new java.util.concurrent.ConcurrentHashMap<>();
  /** How long a deleted pod's uid is remembered: far longer than any informer lags. */
  private static final long DELETED_MEMORY_MILLIS = 10 * 60_000;

  public Reconciler(ApiClient client, Pods pods, ClusterOps ops, OperatorMetrics metrics, LongSupplier clockMillis) {
    this.client = client;
    this.core = new CoreV1Api(client);
    this.custom = new CustomObjectsApi(client);
    this.owned = new OwnedObjects(client);
    this.pods = pods;
    this.ops = ops;
    this.clockMillis = clockMillis;
    this.events = new EventRecorder(client, clockMillis, metrics);
  }

  /**
   * Reconciles {@code c} (as the informer's cache has it).
   *
   * @return when to reconcile it again
   * @throws ApiException when the API server refused or failed: the work queue retries with backoff
   */
  public Duration reconcile(LiveCluster c) throws ApiException {
    long now = clockMillis.getAsLong();
    long generation = c.metadata().getGeneration() == null ? 0 : c.metadata().getGeneration();
    String problem = SpecCheck.problem(c.spec());
    String degradedReason = "InvalidSpec";
    String opsToken = null;
    if (problem == null) {
      LiveClusterSpec s = c.spec().withDefaults();
      opsToken = secret(c, s.opsTokenSecret());
      if (opsToken == null) {
        problem = "Secret " + s.opsTokenSecret().name() + " with key " + s.opsTokenSecret().key()
            + " (spec.opsTokenSecret) is missing";
        degradedReason = "MissingSecret";
      } else {
        problem = missingSecret(c, s);
        if (problem != null) {
          degradedReason = "MissingSecret";
        }
      }
    }
    long at = clockMillis.getAsLong();
    deleted.values().removeIf(t -> at - t > DELETED_MEMORY_MILLIS);
    List<V1Pod> mine = new ArrayList<>();
    for (V1Pod p : pods.of(c)) {
      if (!deleted.containsKey(String.valueOf(p.getMetadata().getUid()))) {
        mine.add(p);
      }
    }
    if (problem != null) {
      // Nothing is changed for a spec the operator cannot carry out: serving nodes stay as they are.
      V1Condition before = StatusConditions.find(c.status() == null ? null : c.status().conditions(), "Degraded");
      if (before == null || !"True".equals(before.getStatus()) || !problem.equals(before.getMessage())) {
        events.warning(c, degradedReason, problem);
      }
      writeStatus(c, status(c, generation, now, mine, ClusterReport.UNKNOWN, null, "Invalid",
          new Plan(List.of(), null, degradedReason, problem)));
      return RESYNC;
    }
    LiveClusterSpec s = c.spec().withDefaults();
    for (String changed : owned.ensure(c)) {
      events.normal(c, "Applied", changed);
    }

    ClusterReport report = null;
    for (V1Pod p : mine) {
      if (PodView.ready(p) && p.getStatus().getPodIP() != null && p.getMetadata().getDeletionTimestamp() == null) {
        try {
          report = ops.read(gateway(p, s), opsToken);
          break;
        } catch (IOException e) {
          log.debug("{}/{}: no report from {}: {}", c.namespace(), c.name(), p.getMetadata().getName(), e.toString());
        }
      }
    }
    List<NodePod> nodes = new ArrayList<>();
    Map<String, V1Pod> byName = new HashMap<>();
    for (V1Pod p : mine) {
      NodePod n = PodView.of(c, p, report == null ? ClusterReport.UNKNOWN : report);
      if (n != null) {
        nodes.add(n);
        byName.put(n.name(), p);
      }
    }
    String revision = Revision.of(s);
    int replicas = SpecCheck.replicas(s);
    Desired desired = new Desired(replicas, s.minReplicas(), Math.min(s.standby(), replicas - 1), revision,
        s.drainTimeoutSeconds() * 1000L, s.readyTimeoutSeconds() * 1000L, s.paused());
    Plan plan = PodPlanner.plan(desired, nodes, report != null && report.saleAhead(), report != null, now);
    carryOut(c, s, plan, byName, report, opsToken, revision, now);
    labelServing(c, mine, report);

    String phase = s.paused() ? "Paused" : plan.degraded() != null ? "Degraded"
        : plan.progressing() == null ? "Running" : nodes.isEmpty() ? "Creating"
        : plan.progressing().startsWith("Roll") ? "Rolling" : "Scaling";
    V1Condition before = StatusConditions.find(c.status() == null ? null : c.status().conditions(), "Degraded");
    if (plan.degraded() != null && (before == null || !"True".equals(before.getStatus()))) {
      events.warning(c, plan.degraded(), plan.message());
    }
    writeStatus(c, status(c, generation, now, mine, report, revision, phase, plan));
    return plan.progressing() != null || !plan.steps().isEmpty() ? WHILE_CHANGING : RESYNC;
  }

  private void carryOut(LiveCluster c, LiveClusterSpec s, Plan plan, Map<String, V1Pod> byName, ClusterReport report,
      String opsToken, String revision, long now) throws ApiException {
    String ns = c.namespace();
    for (Step step : plan.steps()) {
      try {
        if (step instanceof Step.Create create) {
          V1Pod pod = NodePodFactory.of(c, create.ordinal(), create.role(), revision);
          core.createNamespacedPod(ns, pod).execute();
          events.normal(c, "Created", "pod " + pod.getMetadata().getName() + " (" + create.role().name()
              .toLowerCase(Locale.ROOT) + ", revision " + revision + ")");
        } else if (step instanceof Step.Choose choose) {
          patch(ns, choose.pod(), "{\"metadata\":{\"annotations\":{\"" + Names.LEAVING_ANNOTATION + "\":\""
              + choose.why() + "\",\"" + Names.LEAVING_SINCE_ANNOTATION + "\":\"" + now + "\"}}}");
          events.normal(c, "Chosen", "pod " + choose.pod() + " leaves (" + choose.why() + ")");
        } else if (step instanceof Step.Drain drain) {
          ops.drain(gateway(anyServing(byName, drain.pod()), s), address(byName.get(drain.pod()), report), opsToken);
          events.normal(c, "Draining", "pod " + drain.pod() + ": its viewers are hinted elsewhere, its rooms handed off");
        } else if (step instanceof Step.Retire retire) {
          ops.retire(gateway(anyServing(byName, retire.pod()), s), address(byName.get(retire.pod()), report), opsToken);
          events.normal(c, "Retiring", "standby pod " + retire.pod() + " leaves the cluster");
        } else if (step instanceof Step.Delete delete) {
          V1Pod gone = byName.get(delete.pod());
          core.deleteNamespacedPod(delete.pod(), ns).gracePeriodSeconds((int) NodePodFactory.GRACE_SECONDS).execute();
          if (gone != null) {
            deleted.put(String.valueOf(gone.getMetadata().getUid()), now);
          }
          events.normal(c, "Deleted", "pod " + delete.pod() + ": " + delete.why());
        } else if (step instanceof Step.Lower lower) {
          int to = Math.max(s.minReplicas(), SpecCheck.replicas(s) - 1);
          PatchUtils.patch(Object.class, () -> custom.patchNamespacedCustomObjectScale(LiveCluster.GROUP,
              LiveCluster.VERSION, ns, LiveCluster.PLURAL, c.name(), new V1Patch("{\"spec\":{\"replicas\":" + to + "}}"))
              .buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
          events.normal(c, "ScaledIn", "replicas " + SpecCheck.replicas(s) + " -> " + to + ": the autoscaler drained "
              + lower.pod() + " away");
        }
      } catch (ApiException e) {
        if (e.getCode() == 409 && step instanceof Step.Create) {
          continue; // created by an earlier try whose answer was lost
        }
        if (e.getCode() == 404 && step instanceof Step.Delete) {
          continue; // gone already
        }
        throw e;
      } catch (IOException e) {
        events.warning(c, "ClusterOrderFailed", step + ": " + e.getMessage());
        throw new ApiException(503, "the cluster refused or did not answer: " + e.getMessage());
      }
    }
  }

  /** Keeps {@code shardcast.io/serving} on each pod equal to whether the cluster reports its node active. */
  private void labelServing(LiveCluster c, List<V1Pod> mine, ClusterReport report) throws ApiException {
    if (report == null) {
      return;
    }
    for (V1Pod p : mine) {
      String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
      ClusterReport.Node node = ip == null ? null : report.byHost().get(ip);
      String serving = String.valueOf(node != null && node.role().equals("ACTIVE") && PodView.ready(p));
      Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
      if (!serving.equals(labels.get(Names.SERVING_LABEL)) && p.getMetadata().getDeletionTimestamp() == null) {
        patch(c.namespace(), p.getMetadata().getName(),
            "{\"metadata\":{\"labels\":{\"" + Names.SERVING_LABEL + "\":\"" + serving + "\"}}}");
      }
    }
  }

  private LiveClusterStatus status(LiveCluster c, long generation, long now, List<V1Pod> mine, ClusterReport report,
      String revision, String phase, Plan plan) {
    List<LiveClusterStatus.NodeStatus> nodes = new ArrayList<>();
    int live = 0;
    int ready = 0;
    int updated = 0;
    int active = 0;
    int standby = 0;
    for (V1Pod p : mine) {
      NodePod n = PodView.of(c, p, report == null ? ClusterReport.UNKNOWN : report);
      if (n == null) {
        continue;
      }
      String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
      ClusterReport.Node node = report == null || ip == null ? null : report.byHost().get(ip);
      nodes.add(new LiveClusterStatus.NodeStatus(n.name(), node == null ? null : node.address(),
          n.role().name().toLowerCase(Locale.ROOT), n.ready(), n.revision(), n.viewers(), n.retiring()));
      if (n.live()) {
        live++;
        ready += n.ready() ? 1 : 0;
        updated += n.revision().equals(revision) ? 1 : 0;
      }
      active += n.role() == ClusterRole.ACTIVE ? 1 : 0;
      standby += n.role() == ClusterRole.STANDBY ? 1 : 0;
    }
    nodes.sort((a, b) -> Integer.compare(Names.ordinal(c, a.pod()), Names.ordinal(c, b.pod())));
    int wanted = c.spec() == null ? 0 : SpecCheck.replicas(c.spec());
    boolean isReady = revision != null && ready >= wanted && live == wanted && active > 0;
    if ("Running".equals(phase) && !isReady) {
      phase = "Starting"; // nothing to change, but not every node is ready and serving yet
    }
    String current = c.status() == null ? null : c.status().currentRevision();
    if (revision != null && updated == live && live == wanted) {
      current = revision;
    }
    List<V1Condition> conditions = StatusConditions.of(c.status() == null ? null : c.status().conditions(),
        generation, now, isReady, isReady ? "NodesReady" : "NodesNotReady",
        ready + " of " + wanted + " node pods ready, " + active + " active", plan.progressing(), plan.message(),
        plan.degraded(), plan.message());
    return new LiveClusterStatus(generation, live, ready, updated, active, standby, Names.selectorString(c), current,
        revision, phase, nodes, conditions);
  }

  /** Writes the status if it changed; a conflict (the resource changed meanwhile) is retried by the queue. */
  private void writeStatus(LiveCluster c, LiveClusterStatus next) throws ApiException {
    if (c.status() != null && json.serialize(withoutTimes(c.status())).equals(json.serialize(withoutTimes(next)))) {
      return;
    }
    custom.replaceNamespacedCustomObjectStatus(LiveCluster.GROUP, LiveCluster.VERSION, c.namespace(),
        LiveCluster.PLURAL, c.name(), c.withStatus(next)).execute();
  }

  private static LiveClusterStatus withoutTimes(LiveClusterStatus s) {
    List<V1Condition> conditions = s.conditions() == null ? List.of() : s.conditions().stream()
        .map(x -> new V1Condition().type(x.getType()).status(x.getStatus()).reason(x.getReason())
            .message(x.getMessage()).observedGeneration(x.getObservedGeneration())).toList();
    return new LiveClusterStatus(s.observedGeneration(), s.replicas(), s.readyReplicas(), s.updatedReplicas(),
        s.activeNodes(), s.standbyNodes(), s.selector(), s.currentRevision(), s.updateRevision(), s.phase(), s.nodes(),
        conditions);
  }

  private void patch(String ns, String pod, String merge) throws ApiException {
    PatchUtils.patch(V1Pod.class, () -> core.patchNamespacedPod(pod, ns, new V1Patch(merge)).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
  }

  /** The first Secret the spec names besides the ops token that cannot be read, as a problem; null when all are there. */
  private String missingSecret(LiveCluster c, LiveClusterSpec s) throws ApiException {
    Map<String, LiveClusterSpec.SecretKey> named = new LinkedHashMap<>();
    named.put("spec.journal.passwordSecret", s.journal().passwordSecret());
    named.put("spec.access.viewerTokenSecret", s.access().viewerTokenSecret());
    named.put("spec.access.playSecret", s.access().playSecret());
    for (Map.Entry<String, LiveClusterSpec.SecretKey> e : named.entrySet()) {
      LiveClusterSpec.SecretKey key = e.getValue();
      if (key != null && secret(c, key) == null) {
        return "Secret " + key.name() + " with key " + key.key() + " (" + e.getKey() + ") is missing";
      }
    }
    return null;
  }

  private String secret(LiveCluster c, LiveClusterSpec.SecretKey key) throws ApiException {
    V1Secret secret = OwnedObjects.read(() -> core.readNamespacedSecret(key.name(), c.namespace()).execute());
    if (secret == null) {
      return null;
    }
    if (secret.getData() != null && secret.getData().get(key.key()) != null) {
      return new String(secret.getData().get(key.key()), StandardCharsets.UTF_8);
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(key.key());
  }

  /** A gateway to send an order about {@code pod} to: another ready pod's (the node leaving may be busy), else its own. */
  private static V1Pod anyServing(Map<String, V1Pod> byName, String pod) {
    for (V1Pod p : byName.values()) {
      if (!p.getMetadata().getName().equals(pod) && PodView.ready(p) && p.getStatus().getPodIP() != null
          && p.getMetadata().getDeletionTimestamp() == null) {
        return p;
      }
    }
    return byName.get(pod);
  }

  private static String gateway(V1Pod p, LiveClusterSpec s) {
    return "http://" + p.getStatus().getPodIP() + ":" + s.ports().http();
  }

  private static String address(V1Pod p, ClusterReport report) {
    ClusterReport.Node node = report.byHost().get(p.getStatus().getPodIP());
    return Objects.requireNonNull(node, "the node of " + p.getMetadata().getName() + " is not in the report").address();
  }
}
