package io.shardcast.cluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoomReadsTest {

  @Test
  void aReadLostWithItsNodeIsAnsweredByTheNextCopyLongBeforeTheTimeout() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    long start = System.nanoTime();
    String answer = RoomReads.untilAnswered(left -> attempts.incrementAndGet() == 1
        ? new CompletableFuture<String>() // sent to the lost node: never answered
        : CompletableFuture.completedFuture("room"), Duration.ofSeconds(5), Duration.ofMillis(100))
        .get(2, TimeUnit.SECONDS);
    assertEquals("room", answer);
    assertEquals(2, attempts.get());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "answered by the second copy, not the timeout");
  }

  @Test
  void aSlowRoomIsAnsweredByItsFirstCopyWhileMoreAreSent() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    String answer = RoomReads.untilAnswered(left -> {
      attempts.incrementAndGet();
      return CompletableFuture.supplyAsync(() -> "slow", CompletableFuture.delayedExecutor(250, TimeUnit.MILLISECONDS));
    }, Duration.ofSeconds(5), Duration.ofMillis(50)).get(2, TimeUnit.SECONDS);
    assertEquals("slow", answer);
    assertTrue(attempts.get() >= 2 && attempts.get() <= 10, "copies sent while waiting: " + attempts.get());
  }

  @Test
  void withNoResendOneAttemptIsMadeAndTheTimeoutEndsIt() {
    AtomicInteger attempts = new AtomicInteger();
    var answer = RoomReads.untilAnswered(left -> {
      attempts.incrementAndGet();
      return new CompletableFuture<String>();
    }, Duration.ofMillis(300), Duration.ZERO);
    ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(2, TimeUnit.SECONDS));
    assertInstanceOf(java.util.concurrent.TimeoutException.class, e.getCause());
    assertEquals(1, attempts.get());
  }
}
