package io.shardcast.media;

/** Wall-clock microseconds with nanosecond-timer resolution: ingest and delivery instants on one machine. */
public final class MediaClock {

  private static final long BASE_MICROS = System.currentTimeMillis() * 1000;
  private static final long BASE_NANOS = System.nanoTime();

  private MediaClock() {}

  public static long nowMicros() {
    return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1000;
  }
}
