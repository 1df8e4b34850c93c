package io.shardcast.autoscaler.scaler;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalerSettingsTest {

  @Test
  void invalidBackendSettingsAreRefusedWithEveryProblemNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScalerSettings.from(
        ConfigFactory.parseMap(Map.of("shardcast.autoscaler.scaler.backend", "cloud",
            "shardcast.autoscaler.scaler.backoff-min", "5s", "shardcast.autoscaler.scaler.backoff-max", "1s",
            "shardcast.autoscaler.scaler.start-timeout", "0s")).withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("backend (cloud) must be none, local or kubernetes"), e.getMessage());
    assertTrue(e.getMessage().contains("backoff-max"), e.getMessage());
    assertTrue(e.getMessage().contains("start-timeout"), e.getMessage());
    IllegalArgumentException k8s = assertThrows(IllegalArgumentException.class, () -> ScalerSettings.from(
        ConfigFactory.parseMap(Map.of("shardcast.autoscaler.scaler.backend", "kubernetes"))
            .withFallback(ConfigFactory.load())));
    assertTrue(k8s.getMessage().contains("kubernetes.name is empty"), k8s.getMessage());
  }

  @Test
  void backoffDoublesUpToItsCeiling() {
    ScalerSettings s = ScalerSettings.from(ConfigFactory.load());
    assertEquals(Duration.ofSeconds(1), s.backoff(1));
    assertEquals(Duration.ofSeconds(8), s.backoff(4));
    assertEquals(Duration.ofSeconds(60), s.backoff(30));
  }
}
