package io.shardcast.cluster.ops;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ops API's answers from what the cluster and the autoscaler say: the v1 fields, problems worst first. */
class OpsViewsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String A = "pekko://shardcast@10.0.0.1:25520";
  static final String B = "pekko://shardcast@10.0.0.2:25520";

  static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  static JsonNode cluster() throws Exception {
    return json("""
        {'self':'%s','leader':'%s','oldest':'%s',
         'members':[{'address':'%s','status':'Up','reachable':true},{'address':'%s','status':'Up','reachable':false}],
         'shardRegions':[{'address':'%s','shards':7,'rooms':12},{'address':'%s','shards':3,'rooms':4}]}
        """.formatted(A, A, A, A, B, A, B));
  }

  static JsonNode autoscaler() throws Exception {
    return json("""
        {'mode':'acting','backend':{'lastError':'kubectl: forbidden'},
         'nodes':[{'node':'%s','role':'ACTIVE','counted':true,'reportAgeMs':400,'stress':1.4,'bottleneck':'cpu',
                   'viewers':900,'cpu':0.9,'lagMs':3.5,'eventsOutPerSecond':1200,'egressBytesPerSecond':5e6,
                   'viewerBase':'http://10.0.0.1:8180'},
                  {'node':'%s','role':'STANDBY','counted':false,'reportAgeMs':9000,'stress':0.1,'viewers':0}],
         'rooms':[{'room':'quiet','viewers':10,'viewersPerSecond':5},{'room':'hot','viewers':800,'viewersPerSecond':-2}],
         'sales':[{'room':'hot','sale':'s1','revealAt':100,'closed':false}],
         'latest':{'at':50,'reason':'steady'},
         'hold':{'active':3,'until':7200000,'by':'ops:night','setAt':0},
         'timeline':[{'at':10,'reason':'a'},{'at':50,'reason':'steady'}]}
        """.formatted(A, B));
  }

  @Test
  void statusPutsProblemsFirstWorstFirstAndCountsTheCluster() throws Exception {
    ObjectNode status = OpsViews.status(cluster(), autoscaler(), true);
    assertEquals("ops/v1", status.path("apiVersion").asText());
    List<String> codes = status.path("problems").findValuesAsText("code");
    assertEquals(List.of("UNREACHABLE", "STRESSED", "REPORT_STALE", "SCALER_FAILING", "ANONYMOUS_VIEWERS"), codes);
    assertEquals(B, status.path("problems").get(0).path("node").asText());
    JsonNode totals = status.path("totals");
    assertEquals(2, totals.path("nodes").asInt());
    assertEquals(1, totals.path("active").asInt());
    assertEquals(1, totals.path("standby").asInt());
    assertEquals(900, totals.path("viewers").asLong());
    assertEquals(16, totals.path("rooms").asInt());
    assertEquals(10, totals.path("shards").asInt());
    assertEquals("steady", status.path("autoscaler").path("latest").path("reason").asText());
    assertEquals(3, status.path("autoscaler").path("hold").path("active").asInt());
    assertEquals(A, status.path("cluster").path("oldest").asText());
  }

  @Test
  void eachNodeJoinsItsMembershipItsReportAndItsShards() throws Exception {
    JsonNode a = OpsViews.nodes(cluster(), autoscaler()).get(0);
    for (String field : List.of("node", "host", "memberStatus", "reachable", "oldest", "role", "retiring", "viewers",
        "stress", "bottleneck", "cpu", "lagMs", "eventsOutPerSecond", "egressBytesPerSecond", "shards", "rooms",
        "reportAgeMs", "viewerBase")) {
      assertTrue(a.has(field), field + " in " + a);
    }
    assertEquals("10.0.0.1:25520", a.path("host").asText());
    assertEquals(7, a.path("shards").asInt());
    assertTrue(a.path("oldest").asBoolean());
  }

  @Test
  void anAutoscalerThatDoesNotAnswerIsAProblemNotAnError() throws Exception {
    ObjectNode status = OpsViews.status(cluster(), MissingNode.getInstance(), false);
    assertEquals("AUTOSCALER_SILENT", status.path("problems").get(1).path("code").asText());
    assertEquals("UNREPORTED", status.path("nodes").get(0).path("role").asText());
  }

  @Test
  void roomsAreSortedAndPlacedOnTheirNode() throws Exception {
    ObjectNode rooms = OpsViews.rooms(autoscaler(), Map.of("4", B), id -> id.equals("hot") ? "4" : "9", "viewers", 10);
    JsonNode hot = rooms.path("rooms").get(0);
    assertEquals("hot", hot.path("roomId").asText());
    assertEquals(B, hot.path("node").asText());
    assertEquals(1, hot.path("salesAhead").asInt());
    assertEquals("", rooms.path("rooms").get(1).path("node").asText(), "a shard no region reported");
    assertEquals("quiet", OpsViews.rooms(autoscaler(), Map.of(), id -> "1", "trend", 1).path("rooms").get(0)
        .path("roomId").asText());
  }

  @Test
  void theTimelineFollowsFromWhereTheReaderLeftOff() throws Exception {
    ObjectNode later = OpsViews.timeline(autoscaler(), 10);
    assertEquals(1, later.path("timeline").size());
    assertEquals(50, later.path("latestAt").asLong());
    assertEquals(0, OpsViews.timeline(autoscaler(), 50).path("timeline").size());
    assertEquals(50, OpsViews.timeline(autoscaler(), 50).path("latestAt").asLong());
  }
}
