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
    trends.observe(1_000L, Map.of("r", 100L), Map.of());
    trends.observe(2_000L, Map.of("r", 200L), Map.of()); // +100: 0.3 of it
    trends.observe(3_000L, Map.of("r", 300L), Map.of()); // +100 again: 30 + 0.3 x (100 - 30)
    assertEquals(300, shown(trends).get(0).path("viewers").asLong());
    assertEquals(51.0, shown(trends).get(0).path("viewersPerSecond").asDouble());

    RoomTrends unsmoothed = new RoomTrends(1.0);
    unsmoothed.observe(4_000L, Map.of("r", 100L), Map.of());
    unsmoothed.observe(5_000L, Map.of("r", 160L), Map.of());
    assertEquals(60.0, shown(unsmoothed).get(0).path("viewersPerSecond").asDouble(), "1 shows the last change");
  }

  @Test
  void theBusiestRoomsComeFirstAndARoomNoNodeReportsIsForgotten() {
    RoomTrends trends = new RoomTrends(0.3);
    trends.observe(6_000L, Map.of("quiet", 10L, "busy", 900L, "gone", 50L), Map.of());
    trends.observe(7_000L, Map.of("quiet", 10L, "busy", 900L), Map.of());
    ArrayNode rooms = shown(trends);
    assertEquals(2, rooms.size());
    assertEquals("busy", rooms.get(0).path("room").asText());
    assertEquals("quiet", rooms.get(1).path("room").asText());
  }

  @Test
  void aRoomsEventsPerSecondComeFromTheGrowthOfItsSeqAtTheEdges() {
    RoomTrends trends = new RoomTrends(1.0);
    trends.observe(1_000, Map.of("r", 10L), Map.of("r", 100L));
    trends.observe(3_000, Map.of("r", 10L), Map.of("r", 700L)); // 600 events in 2 s
    assertEquals(300.0, shown(trends).get(0).path("eventsPerSecond").asDouble());
    trends.observe(4_000, Map.of("r", 10L), Map.of("r", 700L));
    assertEquals(0.0, shown(trends).get(0).path("eventsPerSecond").asDouble(), "a quiet second");
  }

  @Test
  void aSmoothingOutsideZeroToOneIsRefusedAtStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AutoscalerSettings.from(
        ConfigFactory.parseString("shardcast.autoscaler.room-trend-smoothing = 0").withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("room-trend-smoothing (0.0) must be in (0, 1]"), e.getMessage());
  }

  @Test
  void theBusiestRoomsViewersGoOutWithTheJoinTable() {
    RoomTrends trends = new RoomTrends(0.5);
    trends.observe(0, java.util.Map.of("big", 900L, "mid", 40L, "small", 2L), java.util.Map.of());
    assertEquals(java.util.Map.of("big", 900, "mid", 40), trends.viewersOfBusiest(2));
  }
}
