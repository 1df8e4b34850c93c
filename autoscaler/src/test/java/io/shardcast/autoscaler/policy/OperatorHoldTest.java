package io.shardcast.autoscaler.policy;

import static io.shardcast.autoscaler.policy.ScalingPolicyTest.SAFE_VIEWERS;
import static io.shardcast.autoscaler.policy.ScalingPolicyTest.cluster;
import static io.shardcast.autoscaler.policy.ScalingPolicyTest.count;
import static io.shardcast.autoscaler.policy.ScalingPolicyTest.policy;
import static org.junit.jupiter.api.Assertions.*;

import io.shardcast.autoscaler.signal.Observation;
import io.shardcast.autoscaler.signal.OperatorHold;
import io.shardcast.autoscaler.signal.SaleWindow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code shardcast ops scale --active N}: the operator's number, carried out by the policy's own actions. */
class OperatorHoldTest {

  static final long HOUR = 3_600_000;

  @Test
  void aHoldAboveWhatServesActivatesTheStandbysThenStartsTheRest() {
    ScalingPolicy p = policy();
    int low = (int) (0.2 * SAFE_VIEWERS);
    OperatorHold hold = new OperatorHold(6, HOUR, "ops");
    Plan plan = p.decide(new Observation(0, cluster(0, 2, 3, low), List.of(), hold));
    assertEquals(6, plan.activeTarget(), plan.reason());
    assertEquals(3, count(plan, Action.Activate.class), "every standby serves: " + plan.actions());
    assertEquals(1, plan.actions().stream().filter(a -> a instanceof Action.Start s && s.count() == 1).count(),
        "one node starts for the rest: " + plan.actions());
    assertTrue(plan.reason().contains("operator ops holds at least 6 active"), plan.reason());
  }

  @Test
  void withoutAHoldTheSameQuietClusterIsLeftAlone() {
    Plan plan = policy().decide(new Observation(0, cluster(0, 2, 3, (int) (0.2 * SAFE_VIEWERS)), List.of()));
    assertEquals(0, count(plan, Action.Activate.class), plan.reason());
  }

  @Test
  void aHoldBelowWhatServesDrainsInWavesWithoutWaitingAWholeWindow() {
    ScalingPolicy p = policy();
    int low = (int) (0.2 * SAFE_VIEWERS);
    OperatorHold hold = new OperatorHold(1, HOUR, "ops");
    // The scale-in window (60 s) is far from full: only the hold lets capacity go this early.
    Plan plan = p.decide(new Observation(0, cluster(0, 5, 0, low), List.of(), hold));
    assertEquals(2, count(plan, Action.Drain.class), "half the excess goes in the first wave: " + plan.reason());
    // The next wave waits for the step, as any scale-in does.
    Plan next = p.decide(new Observation(1_000, cluster(1_000, 3, 0, low), List.of(), hold));
    assertEquals(0, count(next, Action.Drain.class), next.reason());
  }

  @Test
  void aHoldNeverTakesAwayCapacityTheAudienceNeeds() {
    ScalingPolicy p = policy();
    int busy = (int) (2.5 * SAFE_VIEWERS);
    OperatorHold hold = new OperatorHold(1, HOUR, "ops");
    for (int t = 0; t < 30; t++) {
      long now = t * 1000L;
      Plan plan = p.decide(new Observation(now, cluster(now, 4, 0, busy), List.of(), hold));
      assertTrue(plan.activeTarget() >= 3, "the audience needs three nodes: " + plan.reason());
      assertTrue(count(plan, Action.Drain.class) <= 1, plan.reason());
    }
  }

  @Test
  void noScaleInTowardsAHoldAroundASale() {
    ScalingPolicy p = policy();
    int low = (int) (0.2 * SAFE_VIEWERS);
    OperatorHold hold = new OperatorHold(1, HOUR, "ops");
    SaleWindow soon = new SaleWindow("room", "sale", 60_000, false, Double.NaN);
    Plan plan = p.decide(new Observation(0, cluster(0, 5, 0, low), List.of(soon), hold));
    assertEquals(0, count(plan, Action.Drain.class), plan.reason());
  }

  @Test
  void anExpiredHoldIsForgotten() {
    ScalingPolicy p = policy();
    OperatorHold hold = new OperatorHold(6, 5_000, "ops");
    Plan plan = p.decide(new Observation(10_000, cluster(10_000, 2, 3, (int) (0.2 * SAFE_VIEWERS)), List.of(), hold));
    assertEquals(0, count(plan, Action.Activate.class), plan.reason());
    assertFalse(plan.reason().contains("operator"), plan.reason());
  }
}
