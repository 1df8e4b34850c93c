package io.shardcast.cluster.viewer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SharedReadsTest {

  final List<CompletableFuture<String>> sent = new ArrayList<>();
  /** The clock reads' ages are measured by: moved by the test, never by waiting. */
  long nowNanos = 1_000_000_000L;

  SharedReads<String, String> reads(long maxAgeNanos) {
    return new SharedReads<>(room -> {
      CompletableFuture<String> f = new CompletableFuture<>();
      sent.add(f);
      return f;
    }, maxAgeNanos, () -> nowNanos);
  }

  @Test
  void joinersOfARoomShareTheReadInFlightAndTheNextJoinerReadsAgain() throws Exception {
    SharedReads<String, String> reads = reads(TimeUnit.SECONDS.toNanos(60));
    // A storm of 1,000 joins to one room while its snapshot is on its way: one read.
    List<CompletableFuture<String>> joins = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      joins.add(reads.get("room-a"));
    }
    assertEquals(1, sent.size(), "one read for the joins while it is in flight");
    // Another room reads for itself.
    CompletableFuture<String> other = reads.get("room-b");
    assertEquals(2, sent.size());
    sent.get(0).complete("snapshot at seq 41");
    for (CompletableFuture<String> j : joins) {
      assertEquals("snapshot at seq 41", j.get());
    }
    assertFalse(other.isDone(), "room-b's joiners wait for room-b's snapshot");
    // Answered: the next joiner gets a read of its own, not the old answer.
    CompletableFuture<String> later = reads.get("room-a");
    assertEquals(3, sent.size());
    assertFalse(later.isDone());
    // A failed read fails its sharers, and the next joiner tries again.
    sent.get(2).completeExceptionally(new IllegalStateException("room did not answer"));
    assertTrue(later.isCompletedExceptionally());
    reads.get("room-a");
    assertEquals(4, sent.size());
  }

  @Test
  void aJoinerAfterTheReadInFlightReachedTheMaximumAgeSendsANewReadWhichLaterJoinersShare() throws Exception {
    long maxAge = TimeUnit.MILLISECONDS.toNanos(50);
    SharedReads<String, String> reads = reads(maxAge);
    CompletableFuture<String> first = reads.get("room-a");
    nowNanos += maxAge - 1;
    assertSame(first, reads.get("room-a"), "a joiner just before the maximum age shares the read in flight");
    assertEquals(1, sent.size());
    nowNanos += 1;
    // The first read is still unanswered, but a joiner now would inherit less of its own time: a new read.
    CompletableFuture<String> second = reads.get("room-a");
    assertEquals(2, sent.size());
    assertNotSame(first, second);
    nowNanos += maxAge - 1;
    assertSame(second, reads.get("room-a"), "the new read is shared in turn, for its own maximum age");
    assertEquals(2, sent.size());
    sent.get(1).complete("newer");
    sent.get(0).complete("older");
    assertEquals("newer", second.get());
    assertEquals("older", first.get(), "whoever waited on the old read still gets its answer");
  }
}
