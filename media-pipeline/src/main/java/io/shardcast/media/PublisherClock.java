package io.shardcast.media;

/**
 * Where a publisher's timestamps sit on its room's clock: the offset fixed at its first frame by
 * {@link MediaRoom#clockOffset}, kept for the rest of the stream. Streams of one encoder whose
 * times already agree (a browser's simulcast layers) share one, so they keep agreeing.
 */
public final class PublisherClock {

  private long offset = Long.MIN_VALUE;

  /** The offset for a frame at {@code timestamp} (the first call fixes it). */
  public synchronized long offset(MediaRoom room, long timestamp) {
    if (offset == Long.MIN_VALUE) {
      offset = room.clockOffset(timestamp, System.currentTimeMillis());
    }
    return offset;
  }
}
