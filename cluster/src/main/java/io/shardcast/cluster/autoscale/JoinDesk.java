package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.placement.JoinPlacement;
import io.shardcast.autoscaler.policy.SafeLoad;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Answers "which node should this viewer connect to": the least-stressed serving node of the
 * autoscaler's table, refreshed at most twice a second, crediting the joins this gateway gave out
 * (fading over a couple of seconds, as reports catch up with them), so a burst spreads over the
 * nodes instead of piling onto the one that looked emptiest.
 */
public final class JoinDesk implements NodeAgent.Destinations {

  private static final Duration REFRESH = Duration.ofMillis(500);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration CREDIT_FADE = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final ActorRef<Autoscaler.Command> autoscaler;
  private final double stressPerViewer;
  private final double stressPerJoinRate;
  private List<Autoscaler.Candidate> table = List.of();
  private double[] stress = new double[0];
  private int[] credit = new int[0];
  private boolean[] eligible = new boolean[0];
  /** Joins handed out per node, fading with {@link #CREDIT_FADE}. */
  private Map<String, Double> joinsGiven = new HashMap<>();
  private long creditDecayedAtNanos = System.nanoTime();
  private long fetchedAtNanos = Long.MIN_VALUE / 2;
  /** The busiest rooms' viewers over all nodes, from the last table. */
  private Map<String, Integer> roomViewers = Map.of();

  /**
   * A room's viewers over all nodes, as the autoscaler last counted them (within a second or two);
   * empty when the room is not among the busiest it sends (a few viewers) or nothing was fetched.
   */
  public Optional<Integer> viewersOf(String roomId) {
    synchronized (this) {
      if (System.nanoTime() - fetchedAtNanos > REFRESH.toNanos()) {
        refresh();
      }
      return Optional.ofNullable(roomViewers.get(roomId));
    }
  }

  /** The table being fetched; completes once it is installed (or the fetch failed). */
  private CompletionStage<Boolean> fetching;

  public JoinDesk(ActorSystem<?> system, ActorRef<Autoscaler.Command> autoscaler, SafeLoad safe) {
    this.system = system;
    this.autoscaler = autoscaler;
    this.stressPerViewer = 1 / safe.viewers();
    this.stressPerJoinRate = 1 / safe.joinsPerSecond();
  }

  /** The node for the next viewer, or empty when no serving node has reported. */
  public CompletionStage<Optional<Autoscaler.Candidate>> choose() {
    CompletionStage<Boolean> first;
    synchronized (this) {
      if (System.nanoTime() - fetchedAtNanos > REFRESH.toNanos()) {
        refresh();
      }
      if (!table.isEmpty() || fetching == null) {
        // Serve from the table we have while a newer one comes.
        return CompletableFuture.completedFuture(pick());
      }
      first = fetching;
    }
    return first.thenApply(installed -> {
      synchronized (this) {
        return pick();
      }
    });
  }

  /** Fetches the table now (unless a fetch is under way); completes once it is installed or failed. */
  @Override
  public CompletionStage<Boolean> refresh() {
    CompletableFuture<Boolean> done;
    synchronized (this) {
      if (fetching != null) {
        return fetching;
      }
      done = new CompletableFuture<>();
      fetching = done;
    }
    // Marked under way before asking: an answer that comes at once (installing and clearing
    // `fetching` on this thread) must not find the mark set after it.
    AskPattern.<Autoscaler.Command, Autoscaler.Placement>ask(autoscaler, Autoscaler.GetPlacement::new, ASK_TIMEOUT,
        system.scheduler()).whenComplete((p, failure) -> done.complete(install(p)));
    return done;
  }

  /**
   * Where a viewer leaving {@code nodeId} (draining, shedding) should go: the viewer base
   * ({@code ws://host:port}) of the node the next join would get, never {@code nodeId}; null when
   * there is none. From the table at hand, without waiting.
   */
  @Override
  public synchronized String viewerBaseExcept(String nodeId) {
    int self = -1;
    for (int i = 0; i < table.size(); i++) {
      if (table.get(i).nodeId().equals(nodeId)) {
        self = i;
        eligible[i] = false;
      }
    }
    Optional<Autoscaler.Candidate> c = pick();
    if (self >= 0) {
      eligible[self] = true;
    }
    return c.map(x -> x.viewerBase().replaceFirst("^http", "ws")).orElse(null);
  }

  private synchronized boolean install(Autoscaler.Placement p) {
    fetching = null;
    fetchedAtNanos = System.nanoTime();
    if (p == null) {
      return false; // the singleton did not answer (moving?): keep the last table, ask again next time
    }
    table = p.candidates();
    roomViewers = p.roomViewers();
    int n = table.size();
    stress = new double[n];
    credit = new int[n];
    eligible = new boolean[n];
    // Joins handed out fade from the credit as the nodes' reports come to show them (a report a
    // second, averaging the second before), rather than all at once at each refresh.
    long now = System.nanoTime();
    double fade = Math.exp(-(now - creditDecayedAtNanos) / (double) CREDIT_FADE.toNanos());
    creditDecayedAtNanos = now;
    Map<String, Double> kept = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String node = table.get(i).nodeId();
      double c = joinsGiven.getOrDefault(node, 0.0) * fade;
      kept.put(node, c);
      stress[i] = table.get(i).stress();
      credit[i] = (int) Math.round(c);
      eligible[i] = true;
    }
    joinsGiven = kept;
    return true;
  }

  /** Caller holds the lock. */
  private Optional<Autoscaler.Candidate> pick() {
    int i = JoinPlacement.choose(stress, credit, stressPerViewer, stressPerJoinRate, eligible, table.size());
    if (i < 0) {
      return Optional.empty();
    }
    credit[i]++;
    joinsGiven.merge(table.get(i).nodeId(), 1.0, Double::sum);
    return Optional.of(table.get(i));
  }
}
