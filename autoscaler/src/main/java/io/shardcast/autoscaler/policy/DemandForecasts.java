package io.shardcast.autoscaler.policy;

/** One trend forecaster per {@link Demand} series, with the short and long windows of {@code forecast.*}. */
final class DemandForecasts {

  /** A trend is judged against its noise, which takes at least three samples. */
  private static final int MIN_SAMPLES = 3;

  private final TrendForecaster[] series = new TrendForecaster[Demand.COUNT];

  DemandForecasts(AutoscalerSettings settings) {
    long interval = Math.max(1, settings.interval().toMillis());
    int shortSamples = (int) Math.max(MIN_SAMPLES, settings.shortWindow().toMillis() / interval);
    int longSamples = (int) Math.max(shortSamples, settings.longWindow().toMillis() / interval);
    for (int i = 0; i < Demand.COUNT; i++) {
      series[i] = new TrendForecaster(shortSamples, longSamples);
    }
  }

  void observe(double nowSeconds, double[] demand) {
    for (int i = 0; i < Demand.COUNT; i++) {
      series[i].observe(nowSeconds, demand[i]);
    }
  }

  /** Every series' forecast {@code horizonSeconds} ahead, by {@link Demand} index. */
  double[] at(double horizonSeconds) {
    double[] forecast = new double[Demand.COUNT];
    for (int i = 0; i < Demand.COUNT; i++) {
      forecast[i] = series[i].forecast(horizonSeconds);
    }
    return forecast;
  }

  TrendForecaster of(int demand) {
    return series[demand];
  }

  /** A sale's burst is over: interactions are forecast again from what follows it. */
  void forgetInteractions() {
    series[Demand.EVENTS_IN].reset();
  }

  /** Whether viewers or interactions grow by a significant trend. */
  boolean rising() {
    return series[Demand.VIEWERS].trend() > 0 || series[Demand.EVENTS_IN].trend() > 0;
  }
}
