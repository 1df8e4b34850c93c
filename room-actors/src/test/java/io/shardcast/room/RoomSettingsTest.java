package io.shardcast.room;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoomSettingsTest {

  private static RoomSettings with(Map<String, Object> overrides) {
    return RoomSettings.from(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()));
  }

  @Test
  void theBatchWindowGrowsWithTheViewersANodeWritesToWithinItsBounds() {
    RoomSettings s = RoomSettings.from(ConfigFactory.load());
    assertEquals(50, s.batchWindowMillis(0), "a small audience gets the minimum window");
    assertEquals(50, s.batchWindowMillis(1_000));
    assertEquals(139, s.batchWindowMillis(3_333), "42 us per viewer");
    assertEquals(150, s.batchWindowMillis(100_000), "never beyond the maximum");
    RoomSettings fixed = with(Map.of("shardcast.room.viewer.batch-window-per-viewer", "0"));
    assertEquals(50, fixed.batchWindowMillis(100_000));
    RoomSettings none = with(Map.of("shardcast.room.viewer.batch-window", "0ms",
        "shardcast.room.viewer.batch-window-per-viewer", "0"));
    assertEquals(0, none.batchWindowMillis(100_000), "0 sends every event on its own");
  }

  @Test
  void aMaximumBelowTheMinimumIsRefusedAtStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> with(Map.of("shardcast.room.viewer.batch-window-max", "10ms")));
    assertTrue(e.getMessage().contains("batch-window-max"), e.getMessage());
  }

  @Test
  void theAssistantsEmbeddingsAreOffByDefaultAndOnNeedsTheirModule() {
    assertFalse(RoomSettings.from(ConfigFactory.load()).assistantEmbeddings());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> with(Map.of("shardcast.room.assistant.embeddings", "on")), "room-actors alone has no model");
    assertTrue(missing.getMessage().contains("assistant-embeddings"), missing.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> with(Map.of("shardcast.room.assistant.embeddings", "maybe")));
    assertTrue(bad.getMessage().contains("on or off"), bad.getMessage());
  }
}
