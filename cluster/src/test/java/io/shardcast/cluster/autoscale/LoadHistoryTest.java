package io.shardcast.cluster.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dashboard's ten minutes: a sample every 5 s from the first tick on, old ones dropped, read after a time. */
class LoadHistoryTest {

  @Test
  void samplesEveryFiveSecondsFromTheFirstTickAndKeepsTenMinutes() {
    LoadHistory h = new LoadHistory(5_000, 600_000);
    for (long t = 1_000_000; t <= 1_000_000 + 700_000; t += 1_000) {
      long at = t;
      h.offer(at, () -> List.of(new LoadHistory.NodePoint("pekko://shardcast@a:1", "ACTIVE", (int) (at / 1000), 0.5,
          "cpu")));
    }
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    h.describe(all, 0);
    assertEquals(121, all.size(), "ten minutes at one sample per 5 s, both ends in");
    assertEquals(1_100_000, all.get(0).path("at").asLong());
    assertEquals("ACTIVE", all.get(0).path("nodes").get(0).path("role").asText());
    ArrayNode after = JsonNodeFactory.instance.arrayNode();
    h.describe(after, 1_690_000);
    assertEquals(2, after.size(), "only the samples after the time asked for");
  }
}
