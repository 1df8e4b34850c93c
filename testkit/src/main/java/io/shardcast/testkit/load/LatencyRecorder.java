package io.shardcast.testkit.load;

import java.util.concurrent.atomic.AtomicLongArray;

/** Millisecond latencies in 1 ms buckets up to 60 s; thread-safe and allocation-free when recording. */
public final class LatencyRecorder {

  private static final int MAX_MILLIS = 60_000;
  private final AtomicLongArray buckets = new AtomicLongArray(MAX_MILLIS + 1);

  public void record(long millis) {
    buckets.incrementAndGet(bucket(millis));
  }

  private static int bucket(long millis) {
    return (int) Math.max(0, Math.min(MAX_MILLIS, millis));
  }

  /**
   * A buffer for one recording thread: samples counted in plain memory and added to this recorder
   * on {@link Local#flush()}, so threads recording hundreds of thousands of samples a second do
   * not contend on the shared buckets. Samples not yet flushed are not seen by readers.
   */
  public Local local() {
    return new Local();
  }

  /** See {@link #local()}; used by one thread only. */
  public final class Local {
    private final long[] counts = new long[MAX_MILLIS + 1];
    private final int[] touched = new int[MAX_MILLIS + 1];
    private int touchedCount;

    public void record(long millis) {
      int b = bucket(millis);
      if (counts[b]++ == 0) {
        touched[touchedCount++] = b;
      }
    }

    /** Adds the samples recorded since the last flush to the recorder. */
    public void flush() {
      for (int i = 0; i < touchedCount; i++) {
        int b = touched[i];
        buckets.addAndGet(b, counts[b]);
        counts[b] = 0;
      }
      touchedCount = 0;
    }
  }

  /** Forgets every sample (e.g. those of a warm-up). */
  public void reset() {
    for (int i = 0; i <= MAX_MILLIS; i++) {
      buckets.set(i, 0);
    }
  }

  public long count() {
    long n = 0;
    for (int i = 0; i <= MAX_MILLIS; i++) {
      n += buckets.get(i);
    }
    return n;
  }

  /** The q-quantile (0..1) in ms, or -1 with no samples. */
  public long quantile(double q) {
    return quantile(counts(), q);
  }

  /** A copy of the samples so far, one count per millisecond; see {@link #quantile(long[], double)}. */
  public long[] counts() {
    long[] c = new long[MAX_MILLIS + 1];
    for (int i = 0; i <= MAX_MILLIS; i++) {
      c[i] = buckets.get(i);
    }
    return c;
  }

  /**
   * The q-quantile (0..1) in ms of {@code later}'s samples that {@code earlier} (an older
   * {@link #counts()}, or null) had not: the samples of one interval. -1 with none.
   */
  public static long quantileBetween(long[] earlier, long[] later, double q) {
    long[] d = later.clone();
    if (earlier != null) {
      for (int i = 0; i < d.length; i++) {
        d[i] -= earlier[i];
      }
    }
    return quantile(d, q);
  }

  private static long quantile(long[] counts, double q) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return -1;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return i;
      }
    }
    return MAX_MILLIS;
  }
}
