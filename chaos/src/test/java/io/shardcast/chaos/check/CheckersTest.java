package io.shardcast.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardcast.chaos.Report;
import io.shardcast.chaos.history.History;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkers judge hand-made histories: a valid one passes, and each kind of violation is caught. */
class CheckersTest {

  private final List<JsonNode> h = new ArrayList<>();
  private long t = 1_000;

  private ObjectNode add(String k) {
    ObjectNode r = History.record(k, t++);
    h.add(r);
    return r;
  }

  private void sale(String id, int stock, int limit) {
    add("sale").put("saleId", id).put("stock", stock).put("limit", limit);
  }

  private void order(String id, String user, String sale, String phase, String result) {
    add("op").put("op", "order").put("phase", "invoke").put("orderId", id).put("userId", user).put("saleId", sale);
    ObjectNode r = add("op").put("op", "order").put("phase", phase).put("orderId", id).put("userId", user)
        .put("saleId", sale);
    if (result != null) {
      r.put("result", result);
    }
  }

  private void finalList(String sale, String... idUser) {
    ObjectNode r = add("final").put("saleId", sale);
    var list = r.putArray("orders");
    for (int i = 0; i < idUser.length; i += 2) {
      list.addObject().put("orderId", idUser[i]).put("userId", idUser[i + 1]).put("quantity", 1);
    }
  }

  private void recv(String viewer, long seq, String type, String body) {
    add("recv").put("viewer", viewer).put("seq", seq).put("type", type).put("h", History.hash(body));
  }

  private void activity(long at, String node, String what, long seq) {
    ObjectNode r = History.record("activity", at);
    r.put("node", node).put("room", "r1").put("what", what).put("seq", seq);
    h.add(r);
  }

  @Test
  void aValidOrderHistoryPasses() {
    sale("s1", 2, 1);
    order("o1", "u1", "s1", "ok", "CONFIRMED");
    order("o2", "u2", "s1", "info", null); // outcome never learned, later confirmed: allowed
    order("o3", "u3", "s1", "ok", "SOLD_OUT");
    finalList("s1", "o1", "u1", "o2", "u2");
    Verdict v = OrderChecker.check(h);
    assertTrue(v.ok(), v.examples().toString());
    assertEquals(1L, v.figures().get("outcomeNeverLearnedButConfirmed"));
  }

  @Test
  void lostOversoldDuplicatedAndLyingOrdersAreCaught() {
    sale("s1", 2, 5);
    order("o1", "u1", "s1", "ok", "CONFIRMED"); // acknowledged, missing below: lost
    order("o2", "u2", "s1", "ok", "SOLD_OUT"); // told sold out, yet confirmed below
    order("o3", "u3", "s1", "ok", "CONFIRMED");
    finalList("s1", "o2", "u2", "o3", "u3", "o3", "u3", "x9", "u9");
    Verdict v = OrderChecker.check(h);
    assertEquals(1L, v.violations().get("lost"));
    assertEquals(2L, v.violations().get("oversold")); // 4 confirmed of 2
    assertEquals(1L, v.violations().get("duplicated"));
    assertEquals(1L, v.violations().get("told-otherwise"));
    assertEquals(1L, v.violations().get("phantom"));
  }

  @Test
  void perUserLimitsInconsistentAnswersAndUnreadSalesAreCaught() {
    sale("s1", 10, 1);
    sale("s2", 10, 1);
    order("o1", "u1", "s1", "ok", "CONFIRMED");
    order("o2", "u1", "s1", "ok", "CONFIRMED");
    add("op").put("op", "order").put("phase", "ok").put("orderId", "o2").put("result", "LIMIT_REACHED");
    finalList("s1", "o1", "u1", "o2", "u1");
    Verdict v = OrderChecker.check(h);
    assertEquals(1L, v.violations().get("over-limit"));
    assertEquals(1L, v.violations().get("inconsistent"));
    assertEquals(1L, v.violations().get("unread"));
  }

  @Test
  void viewersInOrderWithSampledChatPass() {
    add("conn").put("viewer", "a").put("phase", "open");
    add("snapshot").put("viewer", "a").put("seq", 3);
    recv("a", 4, "announcement", "{4}");
    recv("a", 6, "saleOpen", "{6}"); // 5 was a comment, sampled away for a
    add("conn").put("viewer", "a").put("phase", "closed");
    add("conn").put("viewer", "a").put("phase", "open");
    recv("a", 7, "likes", "{7}");
    recv("b", 5, "comment", "{5}");
    recv("b", 6, "saleOpen", "{6}");
    Verdict v = ViewerChecker.check(h);
    assertTrue(v.ok(), v.examples().toString());
    assertEquals(1L, v.figures().get("chatSampledAway"));
    assertEquals(1L, v.figures().get("resumes"));
  }

  @Test
  void viewerGapsDuplicatesReorderingAndDivergenceAreCaught() {
    recv("a", 1, "announcement", "{1}");
    recv("a", 2, "saleOpen", "{2}");
    recv("a", 2, "saleOpen", "{2}"); // duplicate after a resume
    recv("a", 1, "announcement", "{1}"); // reordered
    recv("b", 1, "announcement", "{1}");
    recv("b", 3, "pin", "{3}"); // b never got 2 (a sale open): lost
    recv("b", 5, "pin", "{5}"); // nobody got 4: gap
    recv("c", 3, "pin", "{3-other}"); // c got another event as 3: diverged
    Verdict v = ViewerChecker.check(h);
    assertEquals(1L, v.violations().get("duplicate"));
    assertEquals(1L, v.violations().get("reordered"));
    assertEquals(1L, v.violations().get("lost"));
    assertEquals(1L, v.violations().get("gap"));
    assertEquals(1L, v.violations().get("diverged"));
  }

  @Test
  void aHoleNoViewerGotIsSampledChatWhenTheRoomWroteItAsChatAndAGapOtherwise() {
    recv("a", 1, "announcement", "{1}");
    recv("a", 3, "pin", "{3}"); // 2: a comment that went stale during a stall, sampled for everyone
    recv("a", 5, "pin", "{5}"); // 4: not chat, and nobody got it
    activity(100, "n1", "persisted", 2);
    ((ObjectNode) h.get(h.size() - 1)).put("chat", true);
    activity(101, "n1", "persisted", 4);
    Verdict v = ViewerChecker.check(h);
    assertEquals(1L, v.figures().get("chatSampledAway"));
    assertEquals(1L, v.violations().get("gap"));
  }

  @Test
  void aRoomThatMovesCleanlyIsNoSplitBrain() {
    activity(100, "n1", "recovered", 0);
    activity(110, "n1", "persisted", 1);
    activity(120, "n1", "persisted", 2);
    activity(300, "n2", "recovered", 2); // n1 was killed after 120
    activity(310, "n2", "persisted", 3);
    Verdict v = SplitBrainChecker.check(h);
    assertTrue(v.ok(), v.examples().toString());
    assertEquals(2L, v.figures().get("incarnations"));
  }

  @Test
  void aRoomActingOnTwoNodesAtOnceIsCaught() {
    activity(100, "n1", "recovered", 0);
    activity(110, "n1", "persisted", 1);
    activity(200, "n2", "recovered", 0); // behind: n1 had persisted 1
    activity(210, "n2", "persisted", 1); // the same seq again
    activity(220, "n1", "persisted", 2); // n1 still acting while n2 does
    Verdict v = SplitBrainChecker.check(h);
    assertEquals(1L, v.violations().get("double-activation"));
    assertEquals(1L, v.violations().get("seq-reused"));
    assertEquals(1L, v.violations().get("recovered-behind"));
  }

  @Test
  void aStaleTwinWhoseWritesTheJournalRefusedIsCountedNotFailed() {
    activity(100, "n1", "recovered", 0);
    activity(110, "n1", "attempted", 1);
    activity(111, "n1", "persisted", 1);
    activity(300, "n2", "recovered", 1); // n1 paused; the cluster downed it and moved the room
    activity(310, "n2", "attempted", 2);
    activity(311, "n2", "persisted", 2);
    activity(320, "n1", "attempted", 2); // n1 wakes and tries: the journal refuses, it stops
    activity(330, "n2", "persisted", 3);
    Verdict v = SplitBrainChecker.check(h);
    assertTrue(v.ok(), v.examples().toString());
    assertEquals(1L, v.figures().get("unconfirmedAttempts"));
  }

  private void probe(long start, long ms, boolean ok) {
    ObjectNode r = History.record("op", start + ms);
    r.put("op", "probe").put("phase", ok ? "ok" : "fail").put("start", start).put("ms", ms);
    h.add(r);
  }

  @Test
  void unavailabilityRunsFromTheFirstBadProbeToTheNextGoodOne() {
    for (long s = 0; s < 1000; s += 100) {
      probe(s, 5, true);
    }
    h.add(History.record("fault", 1000).put("phase", "start").put("name", "kill").put("class", "hard-kill")
        .put("target", "node-1"));
    probe(1000, 2000, false);
    probe(3000, 2000, false);
    probe(5000, 1500, true); // too slow: a stall
    probe(6500, 10, true); // the room answers again at 6510
    h.add(History.record("capacity", 9000).put("phase", "back").put("node", "node-1"));
    List<AvailabilityChecker.FaultCost> costs = new ArrayList<>();
    AvailabilityChecker.check(h, costs);
    assertEquals(1, costs.size());
    assertEquals(5510, costs.get(0).unavailableMillis());
    assertEquals(8000, costs.get(0).capacityBackMillis());
  }

  @Test
  void overlappingProbesEndTheOutageAtTheFirstAnswerAndCountItOnce() {
    h.add(History.record("fault", 1000).put("phase", "start").put("name", "kill").put("class", "hard-kill")
        .put("target", "node-1"));
    probe(1000, 2000, false);
    probe(1100, 2000, false);
    probe(8000, 1700, true); // sent during the outage, answered at 9700: too slow
    probe(8900, 1100, true); // answered at 10000, slow, but the room was back at 9700
    probe(9000, 700, true); // answered at 9700, with the first
    probe(9100, 600, true);
    probe(9200, 600, true);
    probe(12000, 1500, true); // a later stall of its own
    probe(12100, 10, true);
    List<AvailabilityChecker.FaultCost> costs = new ArrayList<>();
    AvailabilityChecker.check(h, costs);
    assertEquals(8700 + 110, costs.get(0).unavailableMillis());
    assertEquals(8700, costs.get(0).longestOutageMillis());
  }

  @Test
  void aProbeSentJustBeforeAKillCountsAgainstThatKill() {
    h.add(History.record("fault", 1000).put("phase", "start").put("name", "kill").put("class", "hard-kill")
        .put("target", "node-1"));
    probe(1000, 2000, false);
    probe(9000, 10, true);
    probe(29_950, 2000, false); // sent 50 ms before the next kill, lost with its node
    h.add(History.record("fault", 30_000).put("phase", "start").put("name", "kill").put("class", "hard-kill")
        .put("target", "node-2"));
    probe(30_050, 2000, false);
    probe(38_000, 10, true);
    List<AvailabilityChecker.FaultCost> costs = new ArrayList<>();
    AvailabilityChecker.check(h, costs);
    assertEquals(8010, costs.get(0).unavailableMillis());
    assertEquals(38_010 - 29_950, costs.get(1).unavailableMillis());
  }

  @Test
  void aReportFailsOnAnyViolationAndIsWrittenAsJsonAndMarkdown(@TempDir Path dir) throws Exception {
    sale("s1", 1, 1);
    order("o1", "u1", "s1", "ok", "CONFIRMED");
    finalList("s1");
    Report r = Report.of(h);
    assertFalse(r.ok());
    r.write(dir);
    assertTrue(Files.readString(dir.resolve("report.md")).contains("| orders | lost | 1 **violated** |"));
    assertFalse(History.JSON.readTree(dir.resolve("report.json").toFile()).path("ok").asBoolean());
  }

  @Test
  void aHistoryFileReadsBackAsWritten(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("history.jsonl");
    try (History hist = new History(file)) {
      hist.add(History.record("sale", 5).put("saleId", "s1").put("stock", 3));
    }
    List<JsonNode> back = History.read(file);
    assertEquals(1, back.size());
    assertEquals("s1", back.get(0).path("saleId").asText());
    Files.writeString(file, "{not json\n", java.nio.file.StandardOpenOption.APPEND);
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> History.read(file));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  private void media(String player, long complete, long incomplete, long expected) {
    h.add(History.record("media", t++).put("player", player).put("complete", complete).put("incomplete", incomplete)
        .put("expected", expected).put("rebuilt", 10).put("retransmitted", 5));
  }

  @Test
  void mediaPlayersThatGotWholeFramesPassAndIncompleteOrStalledOnesAreCaught() {
    assertTrue(MediaChecker.check(h).ok(), "no players, nothing to judge");
    media("node-1", 1500, 10, 1500);
    media("node-2", 1490, 0, 1500);
    assertTrue(MediaChecker.check(h).ok(), MediaChecker.check(h).violations().toString());
    media("node-3", 1000, 40, 1500);
    Verdict v = MediaChecker.check(h);
    assertEquals(1L, v.violations().get("stalled players"), v.violations().toString());
    assertEquals(40L, v.violations().get("incomplete video frames"), v.violations().toString());
    assertEquals(3990L, v.figures().get("video frames complete"));
  }
}
