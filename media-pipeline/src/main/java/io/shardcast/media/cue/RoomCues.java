package io.shardcast.media.cue;

/**
 * The cues a room's origin has been given, newest last, in a small ring: each origin track's
 * {@link CueStamper} reads the ones it has not seen. The room sends a cue once per origin (again to
 * a new origin for cues still to come), so a cue already held is not added twice.
 */
public final class RoomCues {

  static final int CAPACITY = 64;

  private final Cue[] ring = new Cue[CAPACITY];
  /** Cues ever added; cue n is at n % CAPACITY while n >= count - CAPACITY. */
  private volatile long count;

  /** Adds {@code cue} unless a cue for the same event is held; false when it was. */
  public synchronized boolean add(Cue cue) {
    for (long n = Math.max(0, count - CAPACITY); n < count; n++) {
      Cue held = ring[(int) (n % CAPACITY)];
      if (held.seq() == cue.seq() && held.type().equals(cue.type())) {
        return false;
      }
    }
    ring[(int) (count % CAPACITY)] = cue;
    count = count + 1;
    return true;
  }

  /** Cues ever added (a cheap check for news, read on every video frame). */
  public long count() {
    return count;
  }

  /** Cue number {@code n}, or null when it has been overwritten (or not added yet). */
  public synchronized Cue get(long n) {
    if (n < 0 || n >= count || n < count - CAPACITY) {
      return null;
    }
    return ring[(int) (n % CAPACITY)];
  }
}
