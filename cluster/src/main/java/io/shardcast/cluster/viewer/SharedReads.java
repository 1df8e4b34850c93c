package io.shardcast.cluster.viewer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One read in flight per key: callers asking for a key while its read is under way get that read's
 * answer instead of starting another. Used for the room snapshot a joining viewer needs, so a join
 * storm asks the room once per round trip rather than once per viewer.
 */
final class SharedReads<K, V> {

  private final Function<K, CompletionStage<V>> read;
  private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

  SharedReads(Function<K, CompletionStage<V>> read) {
    this.read = read;
  }

  CompletableFuture<V> get(K key) {
    CompletableFuture<V> f = inFlight.computeIfAbsent(key, k -> read.apply(k).toCompletableFuture());
    f.whenComplete((v, failure) -> inFlight.remove(key, f));
    return f;
  }
}
