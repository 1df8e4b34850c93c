package io.shardcast.k8s.control;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The operator's work queue, as controllers keep one: a key (a LiveCluster's namespace/name) is
 * queued at most once however many events name it, is never worked on by two workers at once (a
 * key added while it is being worked on is queued again when that work is done), and a key whose
 * work failed comes back after a wait that doubles per failure, up to a bound.
 */
public final class WorkQueue<K> {

  private final long backoffMinNanos;
  private final long backoffMaxNanos;
  private final LongSupplier nanoClock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** When each queued key is due. */
  private final Map<K, Long> dueAt = new HashMap<>();
  /** Queued keys by when they are due, then in the order they came. */
  private final TreeMap<Long, Set<K>> byDue = new TreeMap<>();
  private final Set<K> working = new HashSet<>();
  /** Keys added while being worked on, with when they are due. */
  private final Map<K, Long> again = new HashMap<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private boolean shutDown;

  public WorkQueue(Duration backoffMin, Duration backoffMax, LongSupplier nanoClock) {
    this.backoffMinNanos = backoffMin.toNanos();
    this.backoffMaxNanos = backoffMax.toNanos();
    this.nanoClock = nanoClock;
  }

  public WorkQueue(Duration backoffMin, Duration backoffMax) {
    this(backoffMin, backoffMax, System::nanoTime);
  }

  /** Queues {@code key} now (or keeps it queued, sooner if it was due later). */
  public void add(K key) {
    addAfter(key, Duration.ZERO);
  }

  /** Queues {@code key} to be due after {@code delay}; an earlier due time already queued stands. */
  public void addAfter(K key, Duration delay) {
    lock.lock();
    try {
      if (shutDown) {
        return;
      }
      long due = nanoClock.getAsLong() + delay.toNanos();
      if (working.contains(key)) {
        again.merge(key, due, Math::min);
        return;
      }
      Long current = dueAt.get(key);
      if (current != null && current <= due) {
        return;
      }
      if (current != null) {
        remove(key, current);
      }
      dueAt.put(key, due);
      byDue.computeIfAbsent(due, d -> new java.util.LinkedHashSet<>()).add(key);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The work on {@code key} failed: it comes back after the next wait of its backoff. */
  public void retry(K key) {
    int n;
    lock.lock();
    try {
      n = failures.merge(key, 1, Integer::sum);
    } finally {
      lock.unlock();
    }
    addAfter(key, Duration.ofNanos(backoff(n)));
  }

  /** The wait after the {@code n}th failure in a row. */
  long backoff(int n) {
    long wait = backoffMinNanos;
    for (int i = 1; i < n && wait < backoffMaxNanos; i++) {
      wait *= 2;
    }
    return Math.min(wait, backoffMaxNanos);
  }

  /** The work on {@code key} succeeded: its next failure starts the backoff over. */
  public void forget(K key) {
    lock.lock();
    try {
      failures.remove(key);
    } finally {
      lock.unlock();
    }
  }

  /** Failures in a row of {@code key}'s work. */
  public int failures(K key) {
    lock.lock();
    try {
      return failures.getOrDefault(key, 0);
    } finally {
      lock.unlock();
    }
  }

  /** A key that is due, now marked as being worked on; null when none is due. */
  public K poll() {
    lock.lock();
    try {
      return pollDue();
    } finally {
      lock.unlock();
    }
  }

  /** Waits for a due key, marks it as being worked on and returns it; null once shut down. */
  public K take() throws InterruptedException {
    return takeWithin(Long.MAX_VALUE);
  }

  /** Waits at most {@code timeout} for a due key; null if none came. */
  public K take(long timeout, TimeUnit unit) throws InterruptedException {
    return takeWithin(unit.toNanos(timeout));
  }

  private K takeWithin(long timeoutNanos) throws InterruptedException {
    long until = System.nanoTime() + Math.min(timeoutNanos, Long.MAX_VALUE / 2);
    lock.lock();
    try {
      while (!shutDown) {
        K key = pollDue();
        if (key != null) {
          return key;
        }
        long left = until - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        // Wake when the first key is due (by the queue's clock) or the wait is over, whichever is first.
        long due = byDue.isEmpty() ? left : Math.max(1, byDue.firstKey() - nanoClock.getAsLong());
        changed.awaitNanos(Math.min(left, due));
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** The work on {@code key} is over; if it was added meanwhile, it is queued again. */
  public void done(K key) {
    Long later;
    lock.lock();
    try {
      working.remove(key);
      later = again.remove(key);
    } finally {
      lock.unlock();
    }
    if (later != null) {
      addAfter(key, Duration.ofNanos(Math.max(0, later - nanoClock.getAsLong())));
    }
  }

  /** Keys queued now (not counting those being worked on). */
  public int size() {
    lock.lock();
    try {
      return dueAt.size();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiting worker with null; nothing is queued after. */
  public void shutDown() {
    lock.lock();
    try {
      shutDown = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private K pollDue() {
    if (byDue.isEmpty() || byDue.firstKey() > nanoClock.getAsLong()) {
      return null;
    }
    Map.Entry<Long, Set<K>> first = byDue.firstEntry();
    K key = first.getValue().iterator().next();
    remove(key, first.getKey());
    dueAt.remove(key);
    working.add(key);
    return key;
  }

  private void remove(K key, long due) {
    Set<K> keys = byDue.get(due);
    keys.remove(key);
    if (keys.isEmpty()) {
      byDue.remove(due);
    }
  }
}
