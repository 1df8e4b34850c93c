package io.shardcast.k8s.control;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {

  @Test
  void reconcilesLeadershipAndActionsAreExportedForPrometheus() throws Exception {
    OperatorMetrics metrics = OperatorMetrics.start(ConfigFactory.load());
    metrics.reconciled(2_000_000, true);
    metrics.reconciled(0, false);
    metrics.leading(true);
    metrics.action("Created");
    String scrape = "";
    for (int i = 0; i < 200 && !scrape.contains("shardcast_operator_actions_total"); i++) { // a tick is 1 s
      Thread.sleep(50);
      scrape = metrics.scrape();
    }
    assertTrue(scrape.contains("shardcast_operator_reconciles_total{result=\"ok\"}"), scrape);
    assertTrue(scrape.contains("shardcast_operator_reconciles_total{result=\"failed\"}"), scrape);
    assertTrue(scrape.contains("shardcast_operator_reconcile_time_seconds"), scrape);
    assertTrue(scrape.contains("shardcast_operator_leader 1.0"), scrape);
    assertTrue(scrape.contains("shardcast_operator_actions_total{reason=\"Created\"}"), scrape);
  }
}
