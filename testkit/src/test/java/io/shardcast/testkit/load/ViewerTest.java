package io.shardcast.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The load client reads batched messages as the events they carry. */
class ViewerTest {

  @Test
  void aBatchSplitsIntoItsEventsEvenWhenTextsContainBracketsAndQuotes() {
    String a = "{\"type\":\"comment\",\"seq\":7,\"text\":\"}] tricky \\\" [{\"}";
    String b = "{\"type\":\"luckyBagDrawn\",\"seq\":8,\"winners\":[\"u1\",\"u2\"]}";
    String c = "{\"type\":\"likes\",\"seq\":9,\"total\":3}";
    assertEquals(List.of(a, b, c), Viewer.splitArray("[" + a + "," + b + "," + c + "]"));
    assertEquals(List.of(), Viewer.splitArray("[]"));
  }
}
