package io.shardcast.cluster.ask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A read of a room is sent again every interval until answered or timed out, on a clock the test moves. */
class ResendTest {

  private final ManualTimer timer = new ManualTimer();
  /** Each copy sent, with the time it was given, answered or not by the test. */
  private final List<CompletableFuture<String>> copies = new ArrayList<>();
  private final List<Duration> given = new ArrayList<>();

  private CompletableFuture<String> read(Duration timeout, Duration every) {
    return Resend.untilAnswered(left -> {
      given.add(left);
      CompletableFuture<String> copy = new CompletableFuture<>();
      copies.add(copy);
      return copy;
    }, timeout, every, timer);
  }

  @Test
  void aReadLostWithItsNodeIsAnsweredByTheCopySentOneIntervalLaterNotByTheTimeout() throws Exception {
    CompletableFuture<String> answer = read(Duration.ofSeconds(5), Duration.ofMillis(100));
    // The first copy went to the node being lost: never answered.
    timer.advance(Duration.ofMillis(99));
    assertEquals(1, copies.size());
    timer.advance(Duration.ofMillis(1));
    assertEquals(2, copies.size(), "a second copy, one interval later");
    copies.get(1).complete("room");
    assertEquals("room", answer.getNow(null), "answered 100 ms in, not after the 5 s timeout");
  }

  @Test
  void copiesAreSentEveryIntervalWhileTheRoomIsSlowAndStopOnceOneIsAnswered() {
    CompletableFuture<String> answer = read(Duration.ofSeconds(5), Duration.ofMillis(50));
    timer.advance(Duration.ofMillis(200));
    assertEquals(5, copies.size(), "at 0, 50, 100, 150 and 200 ms");
    copies.get(0).complete("slow");
    assertEquals("slow", answer.getNow(null), "the first copy's answer serves");
    timer.advance(Duration.ofSeconds(1));
    assertEquals(5, copies.size(), "no copy after the answer");
  }

  @Test
  void eachCopyIsGivenTheTimeLeftAndTheTimeoutEndsTheRead() {
    CompletableFuture<String> answer = read(Duration.ofMillis(250), Duration.ofMillis(100));
    timer.advance(Duration.ofMillis(249));
    assertEquals(List.of(Duration.ofMillis(250), Duration.ofMillis(150), Duration.ofMillis(50)), given);
    assertFalse(answer.isDone());
    timer.advance(Duration.ofMillis(1));
    ExecutionException e = assertThrows(ExecutionException.class, answer::get);
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertEquals(3, copies.size(), "none sent at the timeout");
  }

  @Test
  void withNoResendOneCopyIsSentAndTheTimeoutEndsTheRead() {
    CompletableFuture<String> answer = read(Duration.ofMillis(300), Duration.ZERO);
    timer.advance(Duration.ofMillis(299));
    assertFalse(answer.isDone());
    timer.advance(Duration.ofMillis(1));
    ExecutionException e = assertThrows(ExecutionException.class, answer::get);
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertEquals(1, copies.size());
  }
}
