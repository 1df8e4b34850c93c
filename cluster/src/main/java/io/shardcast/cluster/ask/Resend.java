package io.shardcast.cluster.ask;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Asking again until answered: an ask sent while the asked room's node is being lost goes to that
 * node and is gone; a copy sent after the cluster has removed the node waits in the shard region and
 * is answered as soon as the room is back elsewhere. Used for the room's reads (the gateway's
 * {@code RoomReads}) and an encoder's publish (the media router), which may be answered twice.
 */
public final class Resend {

  private Resend() {}

  /** The time re-sends are sent and given up by: the real one in production, one a test moves. */
  public interface Timer {
    /** Now, in nanoseconds of an arbitrary origin (as {@link System#nanoTime}). */
    long nanoTime();

    /** Runs {@code task} once {@code nanos} have passed. */
    void after(long nanos, Runnable task);
  }

  private static final Timer SYSTEM = new Timer() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void after(long nanos, Runnable task) {
      CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS).execute(task);
    }
  };

  /**
   * Calls {@code attempt} (given the time left) now and every {@code every} after, until one of the
   * attempts answers or {@code timeout} has passed ({@link TimeoutException}); an attempt that
   * fails is waited out like one never answered. {@code every} zero: one attempt.
   */
  public static <T> CompletableFuture<T> untilAnswered(Function<Duration, CompletionStage<T>> attempt,
      Duration timeout, Duration every) {
    return untilAnswered(attempt, timeout, every, SYSTEM);
  }

  /** As {@link #untilAnswered(Function, Duration, Duration)}, timed by {@code timer}. */
  public static <T> CompletableFuture<T> untilAnswered(Function<Duration, CompletionStage<T>> attempt,
      Duration timeout, Duration every, Timer timer) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    send(attempt, answer, timer.nanoTime() + timeout.toNanos(), every.toNanos(), timer);
    return answer;
  }

  private static <T> void send(Function<Duration, CompletionStage<T>> attempt, CompletableFuture<T> answer,
      long deadline, long everyNanos, Timer timer) {
    if (answer.isDone()) {
      return;
    }
    long left = deadline - timer.nanoTime();
    if (left <= 0) {
      answer.completeExceptionally(new TimeoutException("no answer in time"));
      return;
    }
    attempt.apply(Duration.ofNanos(left)).whenComplete((r, failure) -> {
      if (failure == null) {
        answer.complete(r);
      }
    });
    long wait = everyNanos > 0 ? Math.min(everyNanos, left) : left;
    timer.after(wait, () -> send(attempt, answer, deadline, everyNanos, timer));
  }
}
