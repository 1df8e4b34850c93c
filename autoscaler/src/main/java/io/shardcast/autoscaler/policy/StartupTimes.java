package io.shardcast.autoscaler.policy;

import java.time.Duration;
import java.util.Arrays;

/**
 * How long new capacity takes to serve, measured on every standby activation and every cold start
 * (decision to serving); the estimate is the 90th percentile of the recent samples, the configured
 * prior until there is one.
 */
public final class StartupTimes {

  private final Samples activation;
  private final Samples coldStart;

  public StartupTimes(Duration activationPrior, Duration coldStartPrior, int samples) {
    this.activation = new Samples(activationPrior.toMillis() / 1000.0, samples);
    this.coldStart = new Samples(coldStartPrior.toMillis() / 1000.0, samples);
  }

  public synchronized void recordActivation(double seconds) {
    activation.add(seconds);
  }

  public synchronized void recordColdStart(double seconds) {
    coldStart.add(seconds);
  }

  /** Seconds from activating a standby to it serving. */
  public synchronized double activationSeconds() {
    return activation.p90();
  }

  /** Seconds from starting a node to it standing by, warm. */
  public synchronized double coldStartSeconds() {
    return coldStart.p90();
  }

  public synchronized int activationSamples() {
    return activation.count;
  }

  public synchronized int coldStartSamples() {
    return coldStart.count;
  }

  private static final class Samples {
    private final double prior;
    private final double[] ring;
    private int count;
    private int head;

    Samples(double prior, int size) {
      this.prior = prior;
      this.ring = new double[size];
    }

    void add(double seconds) {
      if (!(seconds >= 0) || Double.isInfinite(seconds)) {
        return;
      }
      ring[head] = seconds;
      head = (head + 1) % ring.length;
      count = Math.min(count + 1, ring.length);
    }

    double p90() {
      if (count == 0) {
        return prior;
      }
      double[] sorted = Arrays.copyOf(ring, count);
      Arrays.sort(sorted);
      return sorted[(int) Math.ceil(0.9 * count) - 1];
    }
  }
}
