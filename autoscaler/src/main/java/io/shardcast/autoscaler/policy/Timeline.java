package io.shardcast.autoscaler.policy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last decisions that changed something (targets or actions), newest last, for {@code GET /api/autoscaler}. */
public final class Timeline {

  private final int capacity;
  private final ArrayDeque<Plan> plans = new ArrayDeque<>();
  private Plan last;

  public Timeline(int capacity) {
    this.capacity = capacity;
  }

  /** Keeps the plan when it acts or its targets differ from the previous plan; returns whether it was kept. */
  public synchronized boolean offer(Plan plan) {
    boolean changed = last == null || !plan.actions().isEmpty()
        || plan.activeTarget() != last.activeTarget() || plan.provisionTarget() != last.provisionTarget()
        || plan.panic() != last.panic();
    last = plan;
    if (changed) {
      plans.addLast(plan);
      while (plans.size() > capacity) {
        plans.removeFirst();
      }
    }
    return changed;
  }

  public synchronized List<Plan> entries() {
    return new ArrayList<>(plans);
  }

  public synchronized Plan latest() {
    return last;
  }
}
