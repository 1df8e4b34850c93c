package io.shardcast.cluster.autoscale;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.autoscaler.scaler.Scaler;
import io.shardcast.autoscaler.scaler.ScalerSettings;
import io.shardcast.autoscaler.signal.NodeLoad;
import io.shardcast.autoscaler.signal.NodeReport;
import io.shardcast.autoscaler.signal.NodeRole;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Scaler} backend as the singleton drives it: starts asked of it and not seen yet, its
 * calls off the singleton's thread with their outcomes told back to it, and its failures retried
 * with backoff ({@code scaler.backoff-min} doubling to {@code backoff-max}). No backend (null) makes
 * starts advisory.
 */
final class ScalerBackend {

  /** Logs under the singleton's name, where operators look for its decisions. */
  private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);

  private final Scaler scaler;
  private final ScalerSettings settings;
  private final ActorSystem<?> system;
  private final ActorRef<Autoscaler.Command> singleton;
  /**
   * The backend's calls, one at a time and never on the singleton's thread: a slow or unreachable
   * API server must not hold up reports, placement or the allocation view, and a start and a
   * release must not race on the same replica count.
   */
  private final ExecutorService calls;
  /** Nodes asked of the backend and not seen yet: when each was asked for, oldest first. */
  private final ArrayDeque<Long> starting = new ArrayDeque<>();
  private boolean failuresAsked;
  private boolean busy;
  private int failures;
  private String lastError;
  private long retryAtMillis;

  ScalerBackend(Scaler scaler, ScalerSettings settings, ActorSystem<?> system, ActorRef<Autoscaler.Command> singleton) {
    this.scaler = scaler;
    this.settings = settings;
    this.system = system;
    this.singleton = singleton;
    this.calls = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "shardcast-scaler-backend");
      t.setDaemon(true);
      return t;
    });
  }

  String name() {
    return scaler == null ? "none" : scaler.name();
  }

  /** Whether there is a backend at all (without one, starts are advisory). */
  boolean present() {
    return scaler != null;
  }

  /** A placeholder report for each node asked for and not seen yet: the policy counts them as starting. */
  List<NodeReport> startingNodes(long now) {
    List<NodeReport> nodes = new ArrayList<>();
    int i = 0;
    for (long askedAt : starting) {
      nodes.add(new NodeReport("starting-" + (i++), NodeRole.STARTING, now, askedAt, askedAt, NodeLoad.IDLE));
    }
    return nodes;
  }

  /**
   * A node not seen before reported, not serving: the oldest start asked for has arrived, and the
   * backend has done well. Returns when that start was asked for, or null when none was waiting.
   */
  Long arrived() {
    if (starting.isEmpty()) {
      return null;
    }
    failures = 0;
    lastError = null;
    return starting.pollFirst();
  }

  /**
   * Asks the backend for {@code count} more nodes beside the {@code members} there are, unless a call
   * is under way, it is backing off, or this node is stopping; returns whether it asked.
   */
  boolean start(int count, long now, Supplier<List<String>> members) {
    if (scaler == null || busy || now < retryAtMillis) {
      return false; // advisory, a call under way, or backing off: shown in /api/autoscaler
    }
    if (CoordinatedShutdown.get(system).getShutdownReason().isPresent()) {
      return false; // this node is stopping: the singleton's next home decides
    }
    List<String> kept = members.get();
    int existing = kept.size() + starting.size();
    for (int i = 0; i < count; i++) {
      starting.addLast(now);
    }
    busy = true;
    CompletableFuture.runAsync(() -> {
      try {
        scaler.start(count, existing, kept);
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
      }
    }, calls).whenComplete((ok, failure) -> singleton.tell(new Autoscaler.BackendDone(count, failure)));
    return true;
  }

  /** A node told to leave has left the cluster: the backend may let it go. */
  void released(String nodeId) {
    if (scaler == null) {
      return;
    }
    CompletableFuture.runAsync(() -> {
      try {
        scaler.removed(nodeId);
      } catch (Exception e) {
        log.warn("autoscaler backend {}: releasing {} failed: {}", scaler.name(), nodeId, e.toString());
      }
    }, calls);
  }

  /** A start call came back; a failed one takes its nodes off the starting ones. */
  void onDone(Autoscaler.BackendDone d, long now) {
    busy = false;
    if (d.failure() == null) {
      return; // asked; the backend has done well only once a node it started joins
    }
    for (int i = 0; i < d.count() && !starting.isEmpty(); i++) {
      starting.pollLast();
    }
    Throwable cause = d.failure().getCause() != null ? d.failure().getCause() : d.failure();
    failed("starting " + d.count() + " node(s) failed: " + cause.getMessage(), now);
  }

  /** Nodes the backend started that failed before joining, as it reported them. */
  void onFailures(List<String> lines, long now) {
    failuresAsked = false;
    for (String failure : lines) {
      starting.pollLast();
      failed(failure, now);
    }
  }

  /** Starts not seen within {@code start-timeout} failed; asks the backend for its own failures. */
  void expire(long now) {
    int expired = 0;
    while (!starting.isEmpty() && now - starting.peekFirst() > settings.startTimeout().toMillis()) {
      starting.pollFirst();
      expired++;
    }
    if (expired > 0) {
      failed(expired + " started node(s) did not join within " + settings.startTimeout().toSeconds() + "s", now);
    }
    if (scaler != null && !failuresAsked) {
      failuresAsked = true;
      CompletableFuture.supplyAsync(scaler::takeFailures, calls)
          .whenComplete((lines, failure) -> singleton.tell(new Autoscaler.Failures(lines == null ? List.of() : lines)));
    }
  }

  private void failed(String why, long now) {
    failures++;
    lastError = why;
    retryAtMillis = now + settings.backoff(failures).toMillis();
    log.warn("autoscaler backend {}: {} (failure {}, next try in {} ms)", name(), why, failures, retryAtMillis - now);
  }

  /** The {@code backend} object of {@code GET /api/autoscaler}. */
  void describe(ObjectNode backend, long now) {
    backend.put("name", name()).put("busy", busy).put("consecutiveFailures", failures).put("starting", starting.size());
    if (lastError != null) {
      backend.put("lastError", lastError).put("retryInMs", Math.max(0, retryAtMillis - now));
    }
  }

  void close() {
    calls.shutdownNow();
    if (scaler != null) {
      scaler.close();
    }
  }
}
