package io.shardcast.k8s.control;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Gauge;
import kamon.metric.Histogram;
import kamon.metric.MeasurementUnit;
import kamon.prometheus.PrometheusReporter;

/**
 * The operator's Prometheus metrics, recorded through Kamon as the nodes' are: reconciles by
 * result and their duration, whether this replica leads, and its actions by Event reason
 * ({@code Created}, {@code Draining}, {@code Deleted}, {@code ScaledIn}, {@code InvalidSpec}...).
 */
public final class OperatorMetrics {

  private final PrometheusReporter reporter;
  private final Counter ok = Kamon.counter("shardcast.operator.reconciles", "reconciles, by result")
      .withTag("result", "ok");
  private final Counter failed = Kamon.counter("shardcast.operator.reconciles", "reconciles, by result")
      .withTag("result", "failed");
  private final Histogram time = Kamon.histogram("shardcast.operator.reconcile.time", "time of a reconcile",
      MeasurementUnit.time().nanoseconds()).withoutTags();
  private final Gauge leader = Kamon.gauge("shardcast.operator.leader", "1 while this replica leads").withoutTags();

  private OperatorMetrics(PrometheusReporter reporter) {
    this.reporter = reporter;
  }

  private static OperatorMetrics started;

  /**
   * Starts Kamon with {@code config} and its Prometheus reporter, once per JVM; the operator serves
   * the scrape at its own {@code /metrics} (Kamon's embedded server stays off).
   */
  public static synchronized OperatorMetrics start(Config config) {
    if (started == null) {
      // Scraped every few seconds like the nodes; Kamon's own default tick is a minute.
      Config own = ConfigFactory.parseString("kamon.prometheus.start-embedded-http-server = no\n"
          + "kamon.metric.tick-interval = 1s").withFallback(config);
      Kamon.initWithoutAttaching(own);
      PrometheusReporter reporter = new PrometheusReporter(PrometheusReporter.DefaultConfigPath(), own);
      Kamon.addReporter("shardcast-operator-prometheus", reporter);
      started = new OperatorMetrics(reporter);
    }
    return started;
  }

  void reconciled(long nanos, boolean succeeded) {
    (succeeded ? ok : failed).increment();
    if (succeeded) {
      time.record(nanos);
    }
  }

  void leading(boolean leads) {
    leader.update(leads ? 1 : 0);
  }

  void action(String reason) {
    Kamon.counter("shardcast.operator.actions", "actions taken, by Event reason").withTag("reason", reason)
        .increment();
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return reporter.scrapeData();
  }

}
