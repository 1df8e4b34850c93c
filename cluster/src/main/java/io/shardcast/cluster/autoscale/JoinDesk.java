package io.shardcast.cluster.autoscale;

import io.shardcast.autoscaler.placement.JoinPlacement;
import io.shardcast.autoscaler.policy.SafeLoad;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Answers "which node should this viewer connect to": the least-stressed serving node of the
 * autoscaler's table, refreshed at most once a second, crediting every join this gateway gave out
 * since, so a burst spreads over the nodes instead of piling onto the one that looked emptiest.
 */
public final class JoinDesk {

  private static final Duration REFRESH = Duration.ofSeconds(1);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final ActorRef<Autoscaler.Command> autoscaler;
  private final double stressPerViewer;
  private final double stressPerJoinRate;
  private List<Autoscaler.Candidate> table = List.of();
  private double[] stress = new double[0];
  private int[] credit = new int[0];
  private boolean[] eligible = new boolean[0];
  private long fetchedAtNanos = Long.MIN_VALUE / 2;
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
      if (System.nanoTime() - fetchedAtNanos > REFRESH.toNanos() && fetching == null) {
        fetching = AskPattern.<Autoscaler.Command, Autoscaler.Placement>ask(autoscaler, Autoscaler.GetPlacement::new,
            ASK_TIMEOUT, system.scheduler()).handle((p, failure) -> install(p));
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

  private synchronized boolean install(Autoscaler.Placement p) {
    fetching = null;
    fetchedAtNanos = System.nanoTime();
    if (p == null) {
      return false; // the singleton did not answer (moving?): keep the last table, ask again next time
    }
    table = p.candidates();
    int n = table.size();
    stress = new double[n];
    credit = new int[n];
    eligible = new boolean[n];
    for (int i = 0; i < n; i++) {
      stress[i] = table.get(i).stress();
      eligible[i] = true;
    }
    return true;
  }

  /** Caller holds the lock. */
  private Optional<Autoscaler.Candidate> pick() {
    int i = JoinPlacement.choose(stress, credit, stressPerViewer, stressPerJoinRate, eligible, table.size());
    if (i < 0) {
      return Optional.empty();
    }
    credit[i]++;
    return Optional.of(table.get(i));
  }
}
