package io.shardcast.cluster.autoscale;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.typesafe.config.ConfigFactory;
import io.shardcast.autoscaler.policy.AutoscalerSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rooms at {@code GET /api/autoscaler}: viewers over all nodes and their smoothed change per tick. */
class RoomTrendsTest {

  static ArrayNode shown(RoomTrends trends) {
    ArrayNode rooms = JsonNodeFactory.instance.arrayNode();
    trends.describe(rooms);
    return rooms;
  }

  @Test
  void aRoomsTrendWeighsEachTicksChangeByTheConfiguredSmoothing() {
    double smoothing = AutoscalerSettings.from(ConfigFactory.load()).roomTrendSmoothing();
    assertEquals(0.3, smoothing, "the default");
    RoomTrends trends = new RoomTrends(smoothing);
    trends.observe(Map.of("r", 100L));
    trends.observe(Map.of("r", 200L)); // +100: 0.3 of it
    trends.observe(Map.of("r", 300L)); // +100 again: 30 + 0.3 x (100 - 30)
    assertEquals(300, shown(trends).get(0).path("viewers").asLong());
    assertEquals(51.0, shown(trends).get(0).path("viewersPerSecond").asDouble());

    RoomTrends unsmoothed = new RoomTrends(1.0);
    unsmoothed.observe(Map.of("r", 100L));
    unsmoothed.observe(Map.of("r", 160L));
    assertEquals(60.0, shown(unsmoothed).get(0).path("viewersPerSecond").asDouble(), "1 shows the last change");
  }

  @Test
  void theBusiestRoomsComeFirstAndARoomNoNodeReportsIsForgotten() {
    RoomTrends trends = new RoomTrends(0.3);
    trends.observe(Map.of("quiet", 10L, "busy", 900L, "gone", 50L));
    trends.observe(Map.of("quiet", 10L, "busy", 900L));
    ArrayNode rooms = shown(trends);
    assertEquals(2, rooms.size());
    assertEquals("busy", rooms.get(0).path("room").asText());
    assertEquals("quiet", rooms.get(1).path("room").asText());
  }

  @Test
  void aSmoothingOutsideZeroToOneIsRefusedAtStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AutoscalerSettings.from(
        ConfigFactory.parseString("shardcast.autoscaler.room-trend-smoothing = 0").withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("room-trend-smoothing (0.0) must be in (0, 1]"), e.getMessage());
  }
}
