package io.shardcast.media.serve;

/**
 * How long frames took from ingest (at the origin) to a viewer's socket, in 100 us buckets up to
 * 500 ms: written by one loop thread without allocating, read (approximately) by anyone.
 */
public final class DeliveryLatency {

  private static final int BUCKET_MICROS = 100;
  private static final int BUCKETS = 5000;
  private final long[] counts = new long[BUCKETS + 1];

  void record(long micros) {
    int b = (int) Math.min(BUCKETS, Math.max(0, micros / BUCKET_MICROS));
    counts[b]++;
  }

  /** Adds this histogram's counts into {@code into}. */
  void addTo(long[] into) {
    for (int i = 0; i < counts.length; i++) {
      into[i] += counts[i];
    }
  }

  void reset() {
    java.util.Arrays.fill(counts, 0);
  }

  /** An array for the counts of every bucket (see {@link MediaServer#deliveryCounts}). */
  public static long[] empty() {
    return new long[BUCKETS + 1];
  }

  /** The largest delay bucket {@code bucket} holds, in microseconds (the last holds everything past it). */
  public static long upperMicros(int bucket) {
    return (bucket + 1L) * BUCKET_MICROS;
  }

  /** The {@code q} quantile (0..1) of {@code counts} in milliseconds; NaN when empty. */
  static double quantileMillis(long[] counts, double q) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return upperMicros(i) / 1000.0;
      }
    }
    return counts.length * BUCKET_MICROS / 1000.0;
  }
}
