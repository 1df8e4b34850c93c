package io.shardcast.cluster.ask;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;

/** A {@link Resend.Timer} whose time moves only when the test says: tasks run in {@link #advance}, in due order. */
final class ManualTimer implements Resend.Timer {

  private record Task(long dueNanos, long order, Runnable run) {}

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(Comparator.comparingLong(Task::dueNanos).thenComparingLong(Task::order));
  private long nowNanos;
  private long scheduled;

  @Override
  public long nanoTime() {
    return nowNanos;
  }

  @Override
  public void after(long nanos, Runnable task) {
    tasks.add(new Task(nowNanos + nanos, scheduled++, task));
  }

  /** Moves time on by {@code d}, running every task that falls due meanwhile (those they schedule too). */
  void advance(Duration d) {
    long until = nowNanos + d.toNanos();
    while (!tasks.isEmpty() && tasks.peek().dueNanos() <= until) {
      Task t = tasks.poll();
      nowNanos = t.dueNanos();
      t.run().run();
    }
    nowNanos = until;
  }
}
