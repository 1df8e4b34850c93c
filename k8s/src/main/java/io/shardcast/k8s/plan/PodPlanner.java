package io.shardcast.k8s.plan;

import io.shardcast.k8s.plan.NodePod.ClusterRole;
import io.shardcast.k8s.plan.NodePod.Health;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides the operator's next steps from what it observes, as a pure function with explicit time:
 * which pods to create, which node to take away and how, which to roll next. Level-triggered: the
 * same observation gives the same plan, and a step already taken shows in the next observation.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>A pod whose node left the cluster (exited on purpose) or failed for good is deleted. If the
 *       operator did not choose it, the autoscaler drained it away: the replicas go down by one.
 *   <li>Missing pods are created, lowest free ordinal first, active until the cluster has
 *       {@code replicas - standby} active nodes, standby after.
 *   <li>A chosen node is taken away: a standby is retired, an active node drained; its pod goes once
 *       the node has left, or when the drain runs out of time. A chosen pod that never joined goes at once.
 *   <li>Scale-in, one node at a time and never while a flash sale is open or about to open: first a
 *       pod that never joined, then the youngest standby, then the active node with the fewest
 *       viewers; the oldest member (shard coordinator, autoscaler singleton) only if nothing else.
 *   <li>Rolling update, when every pod is ready and joined: one outdated node at a time, in the
 *       same order, the oldest member last; stopped while a pod of the current revision crash-loops
 *       or stays unready past the ready timeout ({@code Degraded}), held during a flash sale.
 * </ol>
 */
public final class PodPlanner {

  private PodPlanner() {}

  /** The plan for {@code pods} under {@code desired} at {@code now}; {@code saleAhead}: a sale is open or close. */
  public static Plan plan(Desired desired, List<NodePod> pods, boolean saleAhead, long now) {
    return plan(desired, pods, saleAhead, true, now);
  }

  /**
   * As above; {@code reported}: the cluster's report was read. Without it no role is known, so
   * nothing is chosen, drained or rolled (a serving node would look like one that never joined):
   * only missing pods are created and gone ones deleted.
   */
  public static Plan plan(Desired desired, List<NodePod> pods, boolean saleAhead, boolean reported, long now) {
    if (!reported && pods.stream().anyMatch(NodePod::ready)) {
      Plan partial = plan(desired, pods, saleAhead, true, now);
      List<Step> safe = partial.steps().stream().filter(s -> s instanceof Step.Create || s instanceof Step.Lower
          || s instanceof Step.Delete d && gone(pods, d.pod())).toList();
      return new Plan(safe, partial.progressing() == null ? null : "WaitingForClusterReport", partial.degraded(),
          "the cluster's report could not be read: no node is chosen, drained or rolled until it can");
    }
    List<Step> steps = new ArrayList<>();
    String degraded = degraded(desired, pods, now);
    if (desired.paused()) {
      return new Plan(steps, "Paused", degraded, "spec.paused is set: nothing is changed");
    }
    int replicas = desired.replicas();
    List<String> notes = new ArrayList<>();

    // 1. Gone.
    for (NodePod p : pods) {
      if (!p.terminating() && (p.health() == Health.LEFT || p.health() == Health.FAILED)) {
        steps.add(new Step.Delete(p.name(), p.health() == Health.LEFT ? "left the cluster" : "failed"));
        if (p.health() == Health.LEFT && !p.chosen() && replicas > desired.minReplicas()) {
          steps.add(new Step.Lower(p.name()));
          replicas--;
        }
      }
    }
    List<NodePod> live = pods.stream().filter(NodePod::live).toList();

    // 2. Missing.
    int missing = replicas - live.size();
    String progressing = null;
    if (missing > 0) {
      Set<Integer> taken = new HashSet<>();
      pods.forEach(p -> taken.add(p.ordinal()));
      int active = (int) live.stream().filter(PodPlanner::countsActive).count();
      int wantActive = Math.max(1, replicas - desired.standby());
      // Names stay stable: a pod takes the lowest free ordinal below the replicas (plus those held
      // above them); one whose pod is still on its way out waits for it to go.
      int wanted = replicas;
      int limit = wanted + (int) live.stream().filter(p -> p.ordinal() >= wanted).count();
      for (int ordinal = 0; missing > 0 && ordinal < limit; ordinal++) {
        if (taken.add(ordinal)) {
          ClusterRole role = active < wantActive ? ClusterRole.ACTIVE : ClusterRole.STANDBY;
          if (role == ClusterRole.ACTIVE) {
            active++;
          }
          steps.add(new Step.Create(ordinal, role));
          missing--;
        }
      }
      progressing = "ScalingOut";
      notes.add(missing == 0 ? "creating pods toward " + replicas + " replicas"
          : missing + " pods wait for the pods they replace to go");
    }

    // 3. The chosen node, on its way out.
    NodePod chosen = live.stream().filter(NodePod::chosen).findFirst().orElse(null);
    if (chosen != null) {
      takeAway(chosen, desired, now, steps, notes);
      return new Plan(steps, "roll".equals(chosen.retiring()) ? "RollingUpdate" : "ScalingIn", degraded,
          String.join("; ", notes));
    }

    // 4. Scale-in.
    if (live.size() > replicas) {
      if (saleAhead) {
        return new Plan(steps, "ScaleInHeldForSale", degraded, "a flash sale is open or about to open: "
            + live.size() + " nodes stay until it is over (" + replicas + " wanted)");
      }
      NodePod victim = next(live);
      steps.add(new Step.Choose(victim.name(), "scale-in"));
      takeAway(victim.withRetiring("scale-in", now), desired, now, steps, notes);
      return new Plan(steps, "ScalingIn", degraded, String.join("; ", notes));
    }

    // 5. Rolling update.
    List<NodePod> outdated = live.stream().filter(p -> !p.revision().equals(desired.revision())).toList();
    if (!outdated.isEmpty() && progressing == null) {
      // An outdated pod that cannot serve (a bad image before this one) is replaced whatever else waits.
      NodePod unserving = outdated.stream().filter(p -> !p.joined() && (p.health() == Health.CRASH_LOOPING
          || now - p.createdMillis() > desired.readyTimeoutMillis())).findFirst().orElse(null);
      if (degraded != null && unserving == null) {
        return new Plan(steps, "RollingUpdate", degraded, "the roll is stopped: " + degradedMessage(desired, pods, now));
      }
      boolean settled = live.stream().allMatch(NodePod::joined);
      if (unserving == null && !settled) {
        return new Plan(steps, "RollingUpdate", degraded, outdated.size() + " pods to roll; waiting for every node to"
            + " be ready and joined");
      }
      if (saleAhead && unserving == null) {
        return new Plan(steps, "RollHeldForSale", degraded, "a flash sale is open or about to open: "
            + outdated.size() + " pods roll after it");
      }
      NodePod victim = unserving != null ? unserving : next(outdated);
      steps.add(new Step.Choose(victim.name(), "roll"));
      takeAway(victim.withRetiring("roll", now), desired, now, steps, notes);
      return new Plan(steps, "RollingUpdate", degraded, outdated.size() + " pods to roll; " + String.join("; ", notes));
    }
    if (degraded != null) {
      notes.add(degradedMessage(desired, pods, now));
    }
    return new Plan(steps, progressing, degraded, String.join("; ", notes));
  }

  private static boolean gone(List<NodePod> pods, String name) {
    return pods.stream().anyMatch(p -> p.name().equals(name)
        && (p.health() == Health.LEFT || p.health() == Health.FAILED));
  }

  /** The step that takes a chosen node away, given where it is. */
  private static void takeAway(NodePod p, Desired desired, long now, List<Step> steps, List<String> notes) {
    if (!p.joined() && p.role() != ClusterRole.DRAINING) {
      steps.add(new Step.Delete(p.name(), "chosen (" + p.retiring() + ") and not serving"));
      notes.add(p.name() + " is not serving: deleted");
    } else if (now - p.retiringSinceMillis() > desired.drainTimeoutMillis()) {
      steps.add(new Step.Delete(p.name(), "drain ran out of time"));
      notes.add(p.name() + " did not leave within the drain timeout: deleted, its node shuts down on SIGTERM");
    } else if (p.role() == ClusterRole.STANDBY) {
      steps.add(new Step.Retire(p.name()));
      notes.add("retiring standby " + p.name() + " (" + p.retiring() + ")");
    } else if (p.role() == ClusterRole.ACTIVE) {
      steps.add(new Step.Drain(p.name()));
      notes.add("draining " + p.name() + " (" + p.retiring() + ", " + p.viewers() + " viewers)");
    } else {
      notes.add(p.name() + " is " + p.role().name().toLowerCase() + " (" + p.retiring() + "): waiting for it to leave");
    }
  }

  /** The next node to take away: cheapest first, the oldest member last. */
  static NodePod next(List<NodePod> candidates) {
    return candidates.stream().min(Comparator
        .comparing(NodePod::oldest)
        .thenComparing(NodePod::joined)
        .thenComparing(p -> p.role() != ClusterRole.STANDBY)
        .thenComparingInt(NodePod::viewers)
        .thenComparing(Comparator.comparingInt(NodePod::ordinal).reversed()))
        .orElseThrow();
  }

  /** A pod that is or will be active: reported so, or started active and not reporting yet. */
  private static boolean countsActive(NodePod p) {
    return switch (p.role()) {
      case ACTIVE, ACTIVATING -> true;
      case UNKNOWN, STARTING -> p.startRole() == ClusterRole.ACTIVE;
      default -> false;
    };
  }

  /** Why pods of the current revision cannot serve, or null. */
  static String degraded(Desired desired, List<NodePod> pods, long now) {
    for (NodePod p : pods) {
      if (p.live() && p.revision().equals(desired.revision())) {
        if (p.health() == Health.CRASH_LOOPING) {
          return "PodCrashLooping";
        }
        if (!p.ready() && now - p.createdMillis() > desired.readyTimeoutMillis()) {
          return "PodNotReady";
        }
      }
    }
    return null;
  }

  private static String degradedMessage(Desired desired, List<NodePod> pods, long now) {
    List<String> bad = new ArrayList<>();
    for (NodePod p : pods) {
      if (p.live() && p.revision().equals(desired.revision())) {
        if (p.health() == Health.CRASH_LOOPING) {
          bad.add(p.name() + " is crash-looping");
        } else if (!p.ready() && now - p.createdMillis() > desired.readyTimeoutMillis()) {
          bad.add(p.name() + " not ready after " + (now - p.createdMillis()) / 1000 + " s");
        }
      }
    }
    return String.join(", ", bad);
  }
}
