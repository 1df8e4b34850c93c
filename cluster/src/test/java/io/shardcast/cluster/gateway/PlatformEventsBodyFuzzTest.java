package io.shardcast.cluster.gateway;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shardcast.room.platform.PlatformEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzing of a platform relay's request body: no bytes may make the reader throw anything but a
 * clear refusal, and nothing it accepts breaks the limits the room relies on. Regression mode in the
 * test command; {@code JAZZER_FUZZ=1} fuzzes.
 */
class PlatformEventsBodyFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void relayBodies(byte[] data) {
    check(data);
    // The same bytes as a comment's text and a user's id, so the reader gets past the JSON.
    String s = new String(data, StandardCharsets.UTF_8).replace("\\", "\\\\").replace("\"", "\\\"");
    check(("{\"events\":[{\"id\":\"e1\",\"type\":\"comment\",\"user\":{\"id\":\"" + s + "\"},\"text\":\"" + s
        + "\"},{\"id\":\"" + s + "\",\"type\":\"like\",\"count\":" + data.length + "}]}")
        .getBytes(StandardCharsets.UTF_8));
  }

  private static void check(byte[] body) {
    List<PlatformEvent> events;
    try {
      events = PlatformEventsBody.parse(body);
    } catch (Gateway.BadInput refused) {
      return;
    }
    if (events.isEmpty() || events.size() > PlatformEventsBody.MAX_EVENTS) {
      throw new AssertionError("accepted " + events.size() + " events");
    }
    for (PlatformEvent e : events) {
      if (e.eventId().isBlank() || e.eventId().length() > PlatformEventsBody.MAX_ID) {
        throw new AssertionError("accepted event id " + e.eventId());
      }
      if (e instanceof PlatformEvent.Comment c && (c.text().isBlank() || c.text().length() > PlatformEventsBody.MAX_TEXT
          || c.userName().length() > PlatformEventsBody.MAX_NAME)) {
        throw new AssertionError("accepted comment " + c);
      }
      if (e instanceof PlatformEvent.Like l && l.count() < 1) {
        throw new AssertionError("accepted likes " + l);
      }
    }
  }
}
