package io.shardcast.cluster.access;

import io.shardcast.room.TokenBucket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A rate limit per user on this node, whichever connection the user comes from: a verified buyer
 * with many sockets or keep-alive connections gets one budget. Bounded: past {@code capacity} users
 * the buckets start over (full), so many user ids cost memory only up to that. Per node, not per
 * cluster: a user spread over n nodes by {@code /join} gets at most n budgets (see
 * docs/decisions/per-user-limits-are-per-node.md). Thread-safe.
 */
public final class UserLimits {

  private final double perSecond;
  private final double burst;
  private final int capacity;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  public UserLimits(double perSecond, double burst, int capacity) {
    if (perSecond <= 0 || burst < 1 || capacity < 1) {
      throw new IllegalArgumentException("a per-user limit needs a rate > 0, a burst >= 1 and a capacity >= 1");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.capacity = capacity;
  }

  /** Whether {@code userId} may act once more at {@code nowNanos}; takes one token if so. */
  public boolean tryTake(String userId, long nowNanos) {
    TokenBucket bucket = buckets.get(userId);
    if (bucket == null) {
      if (buckets.size() >= capacity) {
        buckets.clear();
      }
      bucket = buckets.computeIfAbsent(userId, u -> new TokenBucket(perSecond, burst, nowNanos));
    }
    synchronized (bucket) {
      return bucket.tryTake(nowNanos);
    }
  }
}
