package io.shardcast.autoscaler.policy;

/** Predicts one demand series a few seconds ahead from its recent samples. */
public interface Forecaster {

  void observe(double timeSeconds, double value);

  /** The expected value {@code horizonSeconds} after the last sample; never below the recent level. */
  double forecast(double horizonSeconds);

  /** The recent level: the peak of the short window (so noise does not hide a real load). */
  double level();

  /** Growth per second over the short window, 0 unless it stands out of the noise. */
  double shortTrend();

  /** Forget everything (a singleton that moved starts from what it observes). */
  void reset();
}
