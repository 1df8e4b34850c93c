package io.shardcast.cluster.viewer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One read in flight per key: callers asking for a key while its read is under way get that read's
 * answer instead of starting another, as long as that read is younger than {@code maxAgeNanos} (a
 * caller joining an older read would get less than its own time to wait and an older answer). Used
 * for the room snapshot a joining viewer needs, so a join storm asks the room about once per round
 * trip rather than once per viewer.
 */
final class SharedReads<K, V> {

  private record Read<V>(CompletableFuture<V> answer, long startedNanos) {}

  private final Function<K, CompletionStage<V>> read;
  private final long maxAgeNanos;
  /** Where a read's age is measured: {@link System#nanoTime}, or a clock a test moves. */
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<K, Read<V>> inFlight = new ConcurrentHashMap<>();

  SharedReads(Function<K, CompletionStage<V>> read, long maxAgeNanos) {
    this(read, maxAgeNanos, System::nanoTime);
  }

  SharedReads(Function<K, CompletionStage<V>> read, long maxAgeNanos, LongSupplier nanoClock) {
    this.read = read;
    this.maxAgeNanos = maxAgeNanos;
    this.nanoClock = nanoClock;
  }

  CompletableFuture<V> get(K key) {
    long now = nanoClock.getAsLong();
    Read<V> fresh = new Read<>(new CompletableFuture<>(), now);
    Read<V> r = inFlight.compute(key, (k, current) ->
        current != null && !current.answer().isDone() && now - current.startedNanos() < maxAgeNanos ? current : fresh);
    if (r == fresh) {
      // Forgotten once answered (or failed), so the next caller reads anew: the map keeps reads in flight only.
      fresh.answer().whenComplete((v, failure) -> inFlight.remove(key, fresh));
      try {
        read.apply(key).whenComplete((v, failure) -> {
          if (failure != null) {
            fresh.answer().completeExceptionally(failure);
          } else {
            fresh.answer().complete(v);
          }
        });
      } catch (RuntimeException e) {
        fresh.answer().completeExceptionally(e);
      }
    }
    return r.answer();
  }
}
