package io.shardcast.k8s.plan;

import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.k8s.plan.NodePod.ClusterRole;
import io.shardcast.k8s.plan.NodePod.Health;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodPlannerTest {

  static final long NOW = 1_000_000;
  static final long MIN = 60_000;

  static Desired desired(int replicas, int standby, String revision) {
    return new Desired(replicas, 1, standby, revision, 5 * MIN, 5 * MIN, false);
  }

  /** A ready pod in {@code role}, created ten minutes ago from revision {@code rev}. */
  static NodePod pod(int ordinal, String rev, ClusterRole role, int viewers) {
    return new NodePod("live-" + ordinal, ordinal, rev, role, Health.RUNNING, true, false, NOW - 10 * MIN, role,
        ordinal == 0, viewers, null, 0);
  }

  static NodePod with(NodePod p, Health health, boolean ready, ClusterRole role) {
    return new NodePod(p.name(), p.ordinal(), p.revision(), p.startRole(), health, ready, p.terminating(),
        p.createdMillis(), role, p.oldest(), p.viewers(), p.retiring(), p.retiringSinceMillis());
  }

  @Test
  void aNewClusterGetsItsPodsAtOnceActiveThenStandby() {
    Plan plan = PodPlanner.plan(desired(3, 1, "a"), List.of(), false, NOW);
    assertEquals(List.of(new Step.Create(0, ClusterRole.ACTIVE), new Step.Create(1, ClusterRole.ACTIVE),
        new Step.Create(2, ClusterRole.STANDBY)), plan.steps());
    assertEquals("ScalingOut", plan.progressing());
  }

  @Test
  void aSteadyClusterNeedsNothing() {
    Plan plan = PodPlanner.plan(desired(3, 1, "a"), List.of(pod(0, "a", ClusterRole.ACTIVE, 10),
        pod(1, "a", ClusterRole.ACTIVE, 10), pod(2, "a", ClusterRole.STANDBY, 0)), false, NOW);
    assertEquals(List.of(), plan.steps());
    assertNull(plan.progressing());
    assertNull(plan.degraded());
  }

  @Test
  void aPodDeletedByHandComesBackUnderItsName() {
    Plan plan = PodPlanner.plan(desired(3, 1, "a"), List.of(pod(0, "a", ClusterRole.ACTIVE, 10),
        pod(2, "a", ClusterRole.STANDBY, 0)), false, NOW);
    assertEquals(List.of(new Step.Create(1, ClusterRole.ACTIVE)), plan.steps());
  }

  @Test
  void aPodStillOnItsWayOutIsWaitedForNotReplacedUnderAnotherName() {
    NodePod going = new NodePod("live-1", 1, "a", ClusterRole.ACTIVE, Health.RUNNING, true, true, NOW - MIN,
        ClusterRole.ACTIVE, false, 0, null, 0);
    Plan plan = PodPlanner.plan(desired(2, 0, "a"), List.of(pod(0, "a", ClusterRole.ACTIVE, 10), going), false, NOW);
    assertEquals(List.of(), plan.steps());
  }

  @Test
  void aNodeTheAutoscalerDrainedAwayLowersTheReplicasAndIsNotReplaced() {
    NodePod left = with(pod(2, "a", ClusterRole.ACTIVE, 0), Health.LEFT, false, ClusterRole.UNKNOWN);
    Plan plan = PodPlanner.plan(desired(3, 0, "a"), List.of(pod(0, "a", ClusterRole.ACTIVE, 10),
        pod(1, "a", ClusterRole.ACTIVE, 10), left), false, NOW);
    assertEquals(List.of(new Step.Delete("live-2", "left the cluster"), new Step.Lower("live-2")), plan.steps());
  }

  @Test
  void atTheMinimumALeftNodeIsReplacedOnceItsPodIsGone() {
    NodePod left = with(pod(0, "a", ClusterRole.ACTIVE, 0), Health.LEFT, false, ClusterRole.UNKNOWN);
    Plan plan = PodPlanner.plan(desired(1, 0, "a"), List.of(left), false, NOW);
    assertEquals(List.of(new Step.Delete("live-0", "left the cluster")), plan.steps(), "no Lower below min");
    plan = PodPlanner.plan(desired(1, 0, "a"), List.of(), false, NOW);
    assertEquals(List.of(new Step.Create(0, ClusterRole.ACTIVE)), plan.steps());
  }

  @Test
  void scaleInTakesTheYoungestStandbyFirstThenTheActiveNodeWithFewestViewersNeverTheOldest() {
    List<NodePod> pods = List.of(pod(0, "a", ClusterRole.ACTIVE, 5), pod(1, "a", ClusterRole.ACTIVE, 50),
        pod(2, "a", ClusterRole.STANDBY, 0), pod(3, "a", ClusterRole.STANDBY, 0));
    Plan plan = PodPlanner.plan(desired(3, 1, "a"), pods, false, NOW);
    assertEquals(List.of(new Step.Choose("live-3", "scale-in"), new Step.Retire("live-3")), plan.steps());

    pods = List.of(pod(0, "a", ClusterRole.ACTIVE, 5), pod(1, "a", ClusterRole.ACTIVE, 50),
        pod(2, "a", ClusterRole.ACTIVE, 20));
    plan = PodPlanner.plan(desired(2, 0, "a"), pods, false, NOW);
    assertEquals(List.of(new Step.Choose("live-2", "scale-in"), new Step.Drain("live-2")), plan.steps(),
        "the oldest has fewer viewers but moves the coordinator and singleton");
    assertEquals("ScalingIn", plan.progressing());
  }

  @Test
  void scaleInWaitsWhileAFlashSaleIsOpenOrAboutToOpen() {
    List<NodePod> pods = List.of(pod(0, "a", ClusterRole.ACTIVE, 5), pod(1, "a", ClusterRole.ACTIVE, 50));
    Plan plan = PodPlanner.plan(desired(1, 0, "a"), pods, true, NOW);
    assertEquals(List.of(), plan.steps());
    assertEquals("ScaleInHeldForSale", plan.progressing());
  }

  @Test
  void aChosenNodeDrainsAndItsPodGoesOnlyOnceItLeftOrItsDrainRanOutOfTime() {
    NodePod draining = with(pod(1, "a", ClusterRole.ACTIVE, 30), Health.RUNNING, true, ClusterRole.DRAINING)
        .withRetiring("scale-in", NOW - MIN);
    List<NodePod> pods = List.of(pod(0, "a", ClusterRole.ACTIVE, 5), draining);
    assertEquals(List.of(), PodPlanner.plan(desired(1, 0, "a"), pods, false, NOW).steps(), "still draining");
    assertEquals(List.of(new Step.Delete("live-1", "drain ran out of time")),
        PodPlanner.plan(desired(1, 0, "a"), pods, false, NOW + 5 * MIN).steps());

    NodePod left = with(draining, Health.LEFT, false, ClusterRole.UNKNOWN);
    Plan plan = PodPlanner.plan(desired(1, 0, "a"), List.of(pod(0, "a", ClusterRole.ACTIVE, 5), left), false, NOW);
    assertEquals(List.of(new Step.Delete("live-1", "left the cluster")), plan.steps(),
        "chosen by the operator: the replicas were lowered already");
  }

  @Test
  void withoutTheClusterReportNoServingNodeIsTakenAwayButMissingPodsAreCreated() {
    // Unread, every role is unknown: a serving node would look like one that never joined.
    List<NodePod> pods = List.of(with(pod(0, "a", ClusterRole.ACTIVE, 5), Health.RUNNING, true, ClusterRole.UNKNOWN),
        with(pod(1, "a", ClusterRole.ACTIVE, 50), Health.RUNNING, true, ClusterRole.UNKNOWN),
        with(pod(2, "a", ClusterRole.ACTIVE, 50), Health.RUNNING, true, ClusterRole.UNKNOWN));
    Plan plan = PodPlanner.plan(desired(2, 0, "b"), pods, false, false, NOW);
    assertEquals(List.of(), plan.steps(), "no scale-in, no roll");
    assertEquals("WaitingForClusterReport", plan.progressing());
    plan = PodPlanner.plan(desired(4, 0, "a"), pods, false, false, NOW);
    assertEquals(List.of(new Step.Create(3, ClusterRole.ACTIVE)), plan.steps(),
        "scaling out needs no report; pods not reporting count as the role they started in");
  }

  @Test
  void aPausedClusterIsReportedNotChanged() {
    Desired paused = new Desired(3, 1, 0, "a", MIN, MIN, true);
    Plan plan = PodPlanner.plan(paused, List.of(), false, NOW);
    assertEquals(List.of(), plan.steps());
    assertEquals("Paused", plan.progressing());
  }

  @Test
  void aPodThatNeverBecomesReadyDegradesTheCluster() {
    NodePod stuck = new NodePod("live-1", 1, "a", ClusterRole.STANDBY, Health.RUNNING, false, false, NOW - 6 * MIN,
        ClusterRole.UNKNOWN, false, 0, null, 0);
    Plan plan = PodPlanner.plan(desired(2, 1, "a"), List.of(pod(0, "a", ClusterRole.ACTIVE, 0), stuck), false, NOW);
    assertEquals("PodNotReady", plan.degraded());
    assertTrue(plan.message().contains("live-1 not ready after 360 s"), plan.message());
    assertEquals(List.of(), plan.steps(), "a spec problem never deletes a pod");
  }

  /**
   * A whole rolling update, one observation after another: each step is carried out as the cluster
   * would, and after every one at most one node is down (starting, draining or gone), the standby
   * goes first and the oldest member last.
   */
  @Test
  void aRollReplacesEveryNodeOneAtATimeTheOldestLast() {
    World world = new World(List.of(pod(0, "a", ClusterRole.ACTIVE, 40), pod(1, "a", ClusterRole.ACTIVE, 10),
        pod(2, "a", ClusterRole.ACTIVE, 25), pod(3, "a", ClusterRole.STANDBY, 0)));
    Desired next = desired(4, 1, "b");
    for (int tick = 0; tick < 60 && !world.allAt("b"); tick++) {
      world.apply(next, PodPlanner.plan(next, world.pods, false, NOW + tick * 1000L));
      assertTrue(world.down() <= 1, "at most one node down at tick " + tick + ": " + world.pods);
      assertTrue(world.pods.stream().filter(NodePod::live).count() >= 3, "never below three serving: " + world.pods);
    }
    assertTrue(world.allAt("b"), "every pod rolled: " + world.pods);
    assertEquals(List.of("live-3", "live-1", "live-2", "live-0"), world.chosen, "standby, fewest viewers, oldest last");
  }

  @Test
  void aBadImageStopsTheRollAndAFixedOneReplacesTheBrokenPodFirst() {
    World world = new World(List.of(pod(0, "a", ClusterRole.ACTIVE, 40), pod(1, "a", ClusterRole.ACTIVE, 10),
        pod(2, "a", ClusterRole.STANDBY, 0)));
    world.crashRevision = "bad";
    Desired bad = desired(3, 1, "bad");
    Plan plan = null;
    for (int tick = 0; tick < 20; tick++) {
      plan = PodPlanner.plan(bad, world.pods, false, NOW + tick * 1000L);
      world.apply(bad, plan);
    }
    assertEquals("PodCrashLooping", plan.degraded());
    assertEquals(List.of("live-2"), world.chosen, "only the first node was rolled");
    assertEquals(2, world.pods.stream().filter(p -> p.revision().equals("a") && p.joined()).count(),
        "the rest keep serving");

    Desired fixed = desired(3, 1, "good");
    for (int tick = 20; tick < 80 && !world.allAt("good"); tick++) {
      world.apply(fixed, PodPlanner.plan(fixed, world.pods, false, NOW + tick * 1000L));
    }
    assertTrue(world.allAt("good"), world.pods.toString());
    assertEquals("live-2", world.chosen.get(1), "the broken pod is replaced first");
  }

  /** The cluster as the planner's steps leave it, a tick later: pods start, join, drain and leave. */
  static final class World {
    final List<NodePod> pods = new ArrayList<>();
    final List<String> chosen = new ArrayList<>();
    String crashRevision = "";
    int replicas;

    World(List<NodePod> initial) {
      pods.addAll(initial);
      replicas = initial.size();
    }

    /** Carries out {@code plan}, made for {@code desired} (whose revision new pods get). */
    void apply(Desired desired, Plan plan) {
      // First the cluster moves on from the last tick: new pods join, draining ones leave.
      pods.replaceAll(p -> {
        if (p.health() == Health.RUNNING && !p.ready() && p.revision().equals(crashRevision)) {
          return with(p, Health.CRASH_LOOPING, false, ClusterRole.UNKNOWN);
        }
        if (p.health() == Health.RUNNING && !p.ready()) {
          return with(p, Health.RUNNING, true, p.startRole());
        }
        if (p.role() == ClusterRole.DRAINING) {
          return with(p, Health.LEFT, false, ClusterRole.UNKNOWN);
        }
        return p;
      });
      for (Step s : plan.steps()) {
        if (s instanceof Step.Create c) {
          pods.add(new NodePod("live-" + c.ordinal(), c.ordinal(), desired.revision(), c.role(), Health.RUNNING, false, false,
              NOW, ClusterRole.UNKNOWN, false, 0, null, 0));
        } else if (s instanceof Step.Choose c) {
          chosen.add(c.pod());
          pods.replaceAll(p -> p.name().equals(c.pod()) ? p.withRetiring(c.why(), NOW) : p);
        } else if (s instanceof Step.Drain || s instanceof Step.Retire) {
          String name = s instanceof Step.Drain d ? d.pod() : ((Step.Retire) s).pod();
          pods.replaceAll(p -> p.name().equals(name) ? with(p, p.health(), true, ClusterRole.DRAINING) : p);
        } else if (s instanceof Step.Delete d) {
          pods.removeIf(p -> p.name().equals(d.pod()));
        } else if (s instanceof Step.Lower) {
          replicas--;
        }
      }
    }

    boolean allAt(String rev) {
      return pods.size() == replicas && pods.stream().allMatch(p -> p.revision().equals(rev) && p.joined());
    }

    /** Nodes not serving: starting, crash-looping, draining. */
    long down() {
      return pods.stream().filter(p -> !p.joined() || p.role() == ClusterRole.DRAINING).count();
    }
  }
}
