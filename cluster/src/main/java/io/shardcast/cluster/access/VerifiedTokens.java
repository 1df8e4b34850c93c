package io.shardcast.cluster.access;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Viewer tokens already verified on this node, until they expire: a buyer's token is checked once,
 * not on every order or reconnect. Bounded: past {@code capacity} entries the cache starts over
 * (every token is then verified once more), so a flood of tokens costs CPU, never memory.
 */
final class VerifiedTokens {

  private final int capacity;
  private final long clockSkewMillis;
  private final Map<String, Identity.Viewer> byToken = new ConcurrentHashMap<>();

  VerifiedTokens(int capacity, long clockSkewMillis) {
    this.capacity = capacity;
    this.clockSkewMillis = clockSkewMillis;
  }

  /** The viewer {@code token} was verified as, if it was and has not expired at {@code nowMillis}; else null. */
  Identity.Viewer get(String token, long nowMillis) {
    Identity.Viewer v = byToken.get(token);
    if (v == null) {
      return null;
    }
    if (nowMillis >= v.expiresAtMillis() + clockSkewMillis) {
      byToken.remove(token, v);
      return null;
    }
    return v;
  }

  void put(String token, Identity.Viewer viewer) {
    if (byToken.size() >= capacity) {
      byToken.clear();
    }
    byToken.put(token, viewer);
  }

  int size() {
    return byToken.size();
  }
}
