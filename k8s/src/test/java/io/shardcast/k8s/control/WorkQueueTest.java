package io.shardcast.k8s.control;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

  long now = 1_000_000_000L;
  final WorkQueue<String> queue = new WorkQueue<>(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> now);

  void advance(Duration d) {
    now += d.toNanos();
  }

  @Test
  void manyEventsForOneClusterQueueItOnce() {
    for (int i = 0; i < 100; i++) {
      queue.add("live/a");
    }
    queue.add("live/b");
    assertEquals(2, queue.size());
    assertEquals("live/a", queue.poll());
    assertEquals("live/b", queue.poll());
    assertNull(queue.poll());
  }

  @Test
  void aClusterAddedWhileBeingWorkedOnIsWorkedOnAgainAfterNotAtTheSameTime() {
    queue.add("live/a");
    assertEquals("live/a", queue.poll());
    queue.add("live/a");
    assertNull(queue.poll(), "not handed to a second worker while the first works on it");
    queue.done("live/a");
    assertEquals("live/a", queue.poll(), "the event that came meanwhile is not lost");
    queue.done("live/a");
    assertNull(queue.poll());
  }

  @Test
  void failedWorkComesBackAfterAWaitThatDoublesUpToTheBoundAndSuccessStartsItOver() {
    long[] waits = new long[7];
    queue.add("live/a");
    for (int i = 0; i < waits.length; i++) {
      assertEquals("live/a", queue.poll());
      queue.done("live/a");
      queue.retry("live/a");
      long seconds = 0;
      while (queue.poll() == null) {
        advance(Duration.ofSeconds(1));
        seconds++;
      }
      waits[i] = seconds;
      queue.done("live/a");
      queue.add("live/a");
    }
    assertArrayEquals(new long[] {1, 2, 4, 8, 16, 30, 30}, waits);
    queue.forget("live/a");
    assertEquals(0, queue.failures("live/a"));
  }

  @Test
  void aResyncLaterDoesNotDelayAnEventNow() {
    queue.addAfter("live/a", Duration.ofMinutes(5));
    assertNull(queue.poll());
    queue.add("live/a");
    assertEquals("live/a", queue.poll());
    queue.done("live/a");
    queue.addAfter("live/a", Duration.ofMinutes(5));
    queue.addAfter("live/a", Duration.ofMinutes(10));
    advance(Duration.ofMinutes(5));
    assertEquals("live/a", queue.poll(), "the earlier due time stands");
  }

  @Test
  void shuttingDownWakesAWaitingWorker() throws Exception {
    WorkQueue<String> real = new WorkQueue<>(Duration.ofSeconds(1), Duration.ofSeconds(30));
    Thread t = new Thread(real::shutDown);
    t.start();
    assertNull(real.take(), "take returns null once the queue is shut down");
    t.join();
    assertNull(real.take(1, TimeUnit.MILLISECONDS));
  }
}
