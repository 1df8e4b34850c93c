package io.shardcast.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load client reads batched messages as the events they carry, whatever order their fields come in. */
class ViewerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aBatchSplitsIntoItsEventsEvenWhenTextsContainBracketsAndQuotes() throws Exception {
    String a = "{\"type\":\"comment\",\"seq\":7,\"text\":\"}] tricky \\\" [{\"}";
    String b = "{\"type\":\"luckyBagDrawn\",\"seq\":8,\"winners\":[\"u1\",\"u2\"]}";
    String c = "{\"type\":\"likes\",\"seq\":9,\"total\":3}";
    Viewer v = new Viewer("v", null, true);
    v.onMessage("[" + a + "," + b + "," + c + "]");
    v.onMessage("[]");
    assertEquals(List.of(JSON.readTree(a), JSON.readTree(b), JSON.readTree(c)), trees(v.frames()));
    assertEquals(3, v.received());
    assertEquals(9, v.lastSeq());
    assertEquals(0, v.outOfOrder());
  }

  @Test
  void fieldsAreReadWhereverTheyStandAndNotFromInsideOtherFields() {
    Viewer v = new Viewer("v", null, true);
    v.onMessage("{ \"seq\" : 12, \"text\" : \"\\\"seq\\\":99 \\\"type\\\":\\\"snapshot\\\"\","
        + " \"type\" : \"comment\" }");
    v.onMessage("{\"at\":5,\"seq\":11,\"type\":\"comment\",\"text\":\"late\"}");
    assertEquals(12, v.lastSeq());
    assertEquals(2, v.sequenced());
    assertEquals(1, v.outOfOrder());
    v.onMessage("{\"message\":\"sold out\",\"type\":\"error\"}");
    assertEquals(1, v.errors());
    assertEquals("{\"message\":\"sold out\",\"type\":\"error\"}", v.lastError());
  }

  private static List<JsonNode> trees(List<String> frames) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String f : frames) {
      out.add(JSON.readTree(f));
    }
    return out;
  }
}
