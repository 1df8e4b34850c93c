package io.shardcast.autoscaler.policy;

/**
 * Linear trend over a short and a long window. A window's trend counts only when the least-squares
 * slope stands out of the noise (above twice its standard error), and it is never more than the
 * median step between samples, so a one-off jump (a sale opening) is taken as a new level, not as
 * growth that goes on. The forecast follows the steeper window upwards and never predicts a fall
 * (scale-in is decided on what happened, not on what may happen).
 */
public final class TrendForecaster implements Forecaster {

  /** A slope counts when it is this many standard errors away from zero. */
  private static final double SIGNIFICANT_T = 3.0;

  private final int shortSamples;
  private final double[] times;
  private final double[] values;
  private int count;
  private int head;

  public TrendForecaster(int shortSamples, int longSamples) {
    if (shortSamples < 3 || longSamples < shortSamples) {
      throw new IllegalArgumentException("windows need >= 3 samples and long >= short");
    }
    this.shortSamples = shortSamples;
    this.times = new double[longSamples];
    this.values = new double[longSamples];
  }

  @Override
  public void observe(double timeSeconds, double value) {
    times[head] = timeSeconds;
    values[head] = value;
    head = (head + 1) % times.length;
    count = Math.min(count + 1, times.length);
  }

  @Override
  public double level() {
    int n = Math.min(count, shortSamples);
    double peak = 0;
    for (int i = 1; i <= n; i++) {
      peak = Math.max(peak, values[index(i)]);
    }
    return peak;
  }

  @Override
  public double shortTrend() {
    return significantSlope(Math.min(count, shortSamples));
  }

  /** Growth per second the forecast uses: the steeper of the short and long trends. */
  public double trend() {
    return Math.max(shortTrend(), significantSlope(count));
  }

  @Override
  public double forecast(double horizonSeconds) {
    return level() + trend() * horizonSeconds;
  }

  @Override
  public void reset() {
    count = 0;
    head = 0;
  }

  private int index(int back) {
    return (head - back + times.length) % times.length;
  }

  /** Least-squares slope over the last n samples, or 0 when it is not clear of the noise or falls. */
  private double significantSlope(int n) {
    if (n < 3) {
      return 0;
    }
    double mt = 0;
    double mv = 0;
    for (int i = 1; i <= n; i++) {
      mt += times[index(i)];
      mv += values[index(i)];
    }
    mt /= n;
    mv /= n;
    double stt = 0;
    double stv = 0;
    for (int i = 1; i <= n; i++) {
      double dt = times[index(i)] - mt;
      stt += dt * dt;
      stv += dt * (values[index(i)] - mv);
    }
    if (stt == 0) {
      return 0;
    }
    double slope = stv / stt;
    if (slope <= 0) {
      return 0;
    }
    double sse = 0;
    for (int i = 1; i <= n; i++) {
      double fit = mv + slope * (times[index(i)] - mt);
      double r = values[index(i)] - fit;
      sse += r * r;
    }
    double stderr = Math.sqrt(sse / (n - 2) / stt);
    if (slope <= SIGNIFICANT_T * stderr) {
      return 0;
    }
    return Math.max(0, Math.min(slope, medianStep(n)));
  }

  /** The median of the last n - 1 per-second steps. */
  private double medianStep(int n) {
    double[] steps = new double[n - 1];
    for (int i = 1; i < n; i++) {
      double dt = times[index(i)] - times[index(i + 1)];
      steps[i - 1] = dt > 0 ? (values[index(i)] - values[index(i + 1)]) / dt : 0;
    }
    java.util.Arrays.sort(steps);
    int m = steps.length / 2;
    return steps.length % 2 == 1 ? steps[m] : (steps[m - 1] + steps[m]) / 2;
  }
}
